package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.testing.MiniTrees;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDomainTest {
    @TempDir Path tmp;

    @Test
    void undecodableFileFailsAtLoadNamingTheFile() throws IOException {
        Path root = MiniTrees.imageFolder(tmp.resolve("root"), List.of("a"), 2);
        Path garbage = root.resolve("a/zz_garbage.jpg");
        Files.writeString(garbage, "this is text, not a JPEG");

        Domain domain = Domains.open("folder:" + root);

        assertThat(domain.size()).isEqualTo(3);
        assertThat(domain.load(0).getWidth()).isEqualTo(MiniTrees.SIDE);
        assertThatThrownBy(() -> domain.load(2))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(garbage.toString())
                .hasMessageContaining("cannot decode");
    }

    @Test
    void truncatedImageFailsAtLoadNamingTheFile() throws IOException {
        Path root = MiniTrees.imageFolder(tmp.resolve("root"), List.of("a"), 1);
        Path file = root.resolve("a/000.png");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, 60));

        Domain domain = Domains.open("folder:" + root);

        assertThatThrownBy(() -> domain.load(0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void fileRemovedAfterOpeningIsNamedAtLoad() throws IOException {
        Path root = MiniTrees.imageFolder(tmp.resolve("root"), List.of("a"), 1);
        Domain domain = Domains.open("folder:" + root);
        Path file = root.resolve("a/000.png");
        Files.delete(file);

        assertThatThrownBy(() -> domain.load(0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void grayscaleKeepsItsValuesReplicatedOverRgb() throws IOException {
        BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 2, 0, 128);
        gray.getRaster().setSample(3, 0, 0, 7);
        Path file = tmp.resolve("gray.png");
        ImageIO.write(gray, "png", file.toFile());

        BufferedImage rgb = FileDomain.read(file);

        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(rgb.getWidth()).isEqualTo(4);
        assertThat(rgb.getHeight()).isEqualTo(3);
        // Not 188, which a pass through Java's linear-gray colour space would give.
        assertThat(rgb.getRGB(1, 2) & 0xffffff).isEqualTo(0x808080);
        assertThat(rgb.getRGB(3, 0) & 0xffffff).isEqualTo(0x070707);
        assertThat(rgb.getRGB(0, 0) & 0xffffff).isZero();
    }

    @Test
    void alphaIsDroppedKeepingTheColour() throws IOException {
        BufferedImage argb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00336699);
        argb.setRGB(1, 1, 0xff102030);
        Path file = tmp.resolve("alpha.png");
        ImageIO.write(argb, "png", file.toFile());

        BufferedImage rgb = FileDomain.read(file);

        assertThat(rgb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(rgb.getRGB(0, 0) & 0xffffff).isEqualTo(0x336699);
        assertThat(rgb.getRGB(1, 1) & 0xffffff).isEqualTo(0x102030);
    }

    @Test
    void labelsMustMatchTheFilesAndTheClasses() {
        Path a = tmp.resolve("a.png");
        assertThatThrownBy(() -> new FileDomain("x", List.of("c"), List.of(a), new int[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileDomain("x", List.of("c"), List.of(a), new int[] {1}))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(a.toString())
                .hasMessageContaining("out of range");
        FileDomain unlabelled = new FileDomain("x", List.of("c"), List.of(a), new int[] {Domain.UNLABELLED});
        assertThat(unlabelled.labelled()).isFalse();
    }
}
