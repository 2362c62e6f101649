package dev.imed.core.transform;

import java.awt.image.BufferedImage;
import java.util.Random;

/** One step of image preprocessing; random steps draw from the given generator so runs repeat for a seed. */
@FunctionalInterface
public interface Transform {
    BufferedImage apply(BufferedImage image, Random random);
}
