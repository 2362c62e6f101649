package dev.imed.core.data;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * A domain whose images are held in memory as 8-bit grayscale pixels of one size: the digit sets.
 * Pixels are white ink on black, as MNIST draws them.
 */
public final class InMemoryDomain implements Domain {
    private final String name;
    private final List<String> classNames;
    private final int side;
    private final byte[][] pixels;
    private final int[] labels;

    public InMemoryDomain(String name, List<String> classNames, int side, byte[][] pixels, int[] labels) {
        if (pixels.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " images but " + labels.length + " labels");
        }
        this.name = Objects.requireNonNull(name);
        this.classNames = List.copyOf(classNames);
        this.side = side;
        this.pixels = pixels;
        this.labels = labels;
    }

    @Override public String name() { return name; }
    @Override public List<String> classNames() { return classNames; }
    @Override public int size() { return pixels.length; }
    @Override public int label(int index) { return labels[index]; }
    @Override public String locate(int index) { return name + "#" + index; }

    /** The raw grayscale pixels of image {@code index}, row-major, {@code side × side}. */
    public byte[] gray(int index) {
        return pixels[index];
    }

    public int side() {
        return side;
    }

    @Override
    public BufferedImage load(int index) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        byte[] gray = pixels[index];
        int[] rgb = new int[gray.length];
        for (int i = 0; i < gray.length; i++) {
            int v = gray[i] & 0xff;
            rgb[i] = (v << 16) | (v << 8) | v;
        }
        image.setRGB(0, 0, side, side, rgb, 0, side);
        return image;
    }

    /** A seeded subset, balanced as the original is, for quick runs and tests. */
    public InMemoryDomain subset(String subsetName, int[] indices) {
        byte[][] p = new byte[indices.length][];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            p[i] = pixels[indices[i]];
            l[i] = labels[indices[i]];
        }
        return new InMemoryDomain(subsetName, classNames, side, p, l);
    }
}
