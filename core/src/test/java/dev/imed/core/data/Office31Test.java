package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.testing.MiniTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Office31Test {
    private static final List<String> CLASSES = MiniTrees.OFFICE31_CLASSES;

    @TempDir Path tmp;

    @Test
    void opensADomainDirectory() {
        Path root = MiniTrees.office31(tmp.resolve("office31"), List.of("amazon", "webcam"), CLASSES, 4);

        Domain amazon = Domains.open("office31:" + root.resolve("amazon"));

        assertThat(amazon).isInstanceOf(Office31.class);
        assertThat(amazon.name()).isEqualTo("office31:amazon");
        assertThat(amazon.classNames()).containsExactlyElementsOf(CLASSES);
        assertThat(amazon.size()).isEqualTo(12);
        assertThat(LayoutChecks.counts(amazon)).containsExactly(4, 4, 4);
        assertThat(amazon.locate(0)).endsWith("amazon/images/back_pack/frame_0001.jpg");
        LayoutChecks.imagesMatchLabels(amazon, CLASSES);
    }

    @Test
    void acceptsTheImagesDirectoryItself() {
        Path root = MiniTrees.office31(tmp.resolve("office31"), List.of("dslr"), CLASSES, 2);

        Domain dslr = Domains.open("office31:" + root.resolve("dslr/images"));

        assertThat(dslr.name()).isEqualTo("office31:dslr");
        assertThat(dslr.classNames()).containsExactlyElementsOf(CLASSES);
        assertThat(dslr.size()).isEqualTo(6);
    }

    @Test
    void theRootIsRefusedWithAHint() {
        Path root = MiniTrees.office31(tmp.resolve("office31"), List.of("amazon", "webcam"), CLASSES, 1);
        LayoutChecks.assertRefused("office31:" + root, root.toString(), "no images/ sub-directory", "ROOT/amazon");
    }

    @Test
    void emptyClassIsNamed() throws IOException {
        Path root = MiniTrees.office31(tmp.resolve("office31"), List.of("webcam"), CLASSES, 1);
        Path empty = Files.createDirectories(root.resolve("webcam/images/tape_dispenser"));
        LayoutChecks.assertRefused("office31:" + root.resolve("webcam"), empty.toString(), "empty class");
    }

    @Test
    void missingDomainIsNamed() {
        Path missing = tmp.resolve("office31/amazon");
        LayoutChecks.assertRefused("office31:" + missing, missing.toString(), "does not exist");
    }
}
