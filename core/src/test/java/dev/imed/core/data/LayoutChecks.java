package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.testing.MiniTrees;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Checks shared by the layout tests: every image loads as RGB and shows its label's class colour, and a
 * bad layout is refused with a message that names what is wrong.
 */
final class LayoutChecks {
    /** Per-channel slack for JPEG: the mean of the flat centre survives compression to within a few levels. */
    static final int TOLERANCE = 24;

    private LayoutChecks() {}

    /**
     * Loads every image of {@code domain}; each must be a {@code SIDE × SIDE} RGB picture whose centre has
     * the colour {@link MiniTrees} gave the class its label names ({@code written} is the class order the
     * tree was written with, which for the folder layouts differs from the sorted order read back).
     */
    static void imagesMatchLabels(Domain domain, List<String> written) {
        for (int i = 0; i < domain.size(); i++) {
            BufferedImage image = domain.load(i);
            assertThat(image.getType()).as(domain.locate(i)).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(image.getWidth()).as(domain.locate(i)).isEqualTo(MiniTrees.SIDE);
            assertThat(image.getHeight()).as(domain.locate(i)).isEqualTo(MiniTrees.SIDE);
            String className = domain.classNames().get(domain.label(i));
            int expected = MiniTrees.classColour(written.indexOf(className));
            int centre = MiniTrees.coreColour(image);
            assertThat(MiniTrees.near(centre, expected, TOLERANCE))
                    .as("%s: centre %06x should be near the colour %06x of class %s", domain.locate(i), centre, expected, className)
                    .isTrue();
        }
    }

    /** How many images carry each label. */
    static int[] counts(Domain domain) {
        int[] counts = new int[domain.numClasses()];
        for (int label : domain.labels()) {
            counts[label]++;
        }
        return counts;
    }

    /** Opening {@code spec} fails with a {@link DatasetException} whose message holds every one of {@code phrases}. */
    static void assertRefused(String spec, String... phrases) {
        assertThatThrownBy(() -> Domains.open(spec)).isInstanceOf(DatasetException.class).hasMessageContainingAll(phrases);
    }
}
