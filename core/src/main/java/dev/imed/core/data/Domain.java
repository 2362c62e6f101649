package dev.imed.core.data;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A named set of images with class names, labelled or not.
 *
 * <p>Images load lazily, one at a time, as RGB pictures (grayscale is replicated over the three
 * channels), so digit and photo domains go through the same preprocessing path.
 */
public interface Domain {

    /** Label returned by {@link #label(int)} when the domain carries no labels. */
    int UNLABELLED = -1;

    /** A short name for reports, e.g. {@code mnist5k} or {@code office31:amazon}. */
    String name();

    /** The class names, indexed by label. */
    List<String> classNames();

    /** Number of images. */
    int size();

    /** The label of image {@code index}, or {@link #UNLABELLED}. */
    int label(int index);

    /** Loads image {@code index} as a {@code TYPE_INT_RGB} picture. */
    BufferedImage load(int index);

    /** Where image {@code index} comes from (a file path, or {@code name#index}) for error messages. */
    String locate(int index);

    /** Whether every image carries a label. */
    default boolean labelled() {
        return size() > 0 && label(0) != UNLABELLED;
    }

    default int numClasses() {
        return classNames().size();
    }

    /** All labels, in index order. */
    default int[] labels() {
        int[] labels = new int[size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = label(i);
        }
        return labels;
    }

    /** The same images seen without their labels, as UDA training must see the target domain. */
    default Domain withoutLabels() {
        return new UnlabelledView(this);
    }
}
