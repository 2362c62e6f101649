package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.testing.MiniTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageListDomainTest {
    @TempDir Path tmp;

    @Test
    void readsPathsAndLabelsWithClassNamesFromClassesTxt() {
        List<String> written = List.of("zebra", "alarm clock", "mug");
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "amazon.txt", written, 2, true);

        Domain domain = Domains.open("list:" + list);

        assertThat(domain).isInstanceOf(ImageListDomain.class);
        assertThat(domain.name()).isEqualTo("list:amazon");
        // classes.txt order, not sorted; "alarm clock" puts a space in its paths.
        assertThat(domain.classNames()).containsExactly("zebra", "alarm clock", "mug");
        assertThat(domain.labels()).containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(domain.locate(2)).endsWith("images/alarm clock/000.png");
        LayoutChecks.imagesMatchLabels(domain, written);
    }

    @Test
    void withoutClassesTxtTheClassesAreTheLabelNumbers() {
        List<String> written = List.of("a", "b", "c", "d");
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "webcam.txt", written, 1, false);

        Domain domain = ImageListDomain.open(list);

        assertThat(domain.classNames()).containsExactly("0", "1", "2", "3");
        assertThat(domain.labels()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void acceptsAbsolutePathsBlankLinesAndExtraWhitespace() throws IOException {
        Path dir = tmp.resolve("lists");
        MiniTrees.imageList(dir, "base.txt", List.of("a", "b"), 1, false);
        Path list = dir.resolve("mixed.txt");
        Files.writeString(list, "\n  images/a/000.png\t0  \n\n" + dir.resolve("images/b/000.png").toAbsolutePath() + " 1\n\n");

        Domain domain = ImageListDomain.open(list);

        assertThat(domain.size()).isEqualTo(2);
        assertThat(domain.labels()).containsExactly(0, 1);
        assertThat(domain.load(1).getWidth()).isEqualTo(MiniTrees.SIDE);
    }

    @Test
    void readsThumlListsWhosePathsStartAboveTheListDirectory() throws IOException {
        // Transfer-Learning-Library keeps ROOT/image_list/amazon.txt with paths relative to ROOT.
        Path root = tmp.resolve("office31");
        MiniTrees.office31(root, List.of("amazon"), MiniTrees.OFFICE31_CLASSES, 1);
        Path list = root.resolve("image_list/amazon.txt");
        MiniTrees.writeText(list, "amazon/images/back_pack/frame_0001.jpg 0\namazon/images/calculator/frame_0001.jpg 2\n");

        Domain domain = ImageListDomain.open(list);

        assertThat(domain.classNames()).containsExactly("0", "1", "2");
        assertThat(domain.locate(1)).isEqualTo(root.resolve("amazon/images/calculator/frame_0001.jpg").toAbsolutePath().toString());
        LayoutChecks.imagesMatchLabels(domain, List.of("0", "1", "2"));
    }

    @Test
    void aLabelBeyondClassesTxtIsNamedWithItsLine() throws IOException {
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "l.txt", List.of("a", "b"), 1, true);
        Files.writeString(list, Files.readString(list) + "images/a/000.png 2\n");

        assertThatThrownBy(() -> Domains.open("list:" + list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":3")
                .hasMessageContaining("out of range");
    }

    @Test
    void aNegativeLabelIsOutOfRange() throws IOException {
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "l.txt", List.of("a"), 1, false);
        Files.writeString(list, "images/a/000.png -1\n");

        assertThatThrownBy(() -> ImageListDomain.open(list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":1")
                .hasMessageContaining("out of range");
    }

    @Test
    void aLineWithoutALabelIsNamed() throws IOException {
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "l.txt", List.of("a"), 2, false);
        Files.writeString(list, "images/a/000.png 0\n\nimages/a/001.png\n");

        assertThatThrownBy(() -> ImageListDomain.open(list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":3")
                .hasMessageContaining("no label");
    }

    @Test
    void aLabelThatIsNotANumberIsNoLabel() throws IOException {
        Path list = MiniTrees.imageList(tmp.resolve("lists"), "l.txt", List.of("a"), 1, false);
        Files.writeString(list, "images/a/000.png zero\n");

        assertThatThrownBy(() -> ImageListDomain.open(list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":1")
                .hasMessageContaining("no label")
                .hasMessageContaining("'zero'");
    }

    @Test
    void aListedFileThatDoesNotExistIsNamed() throws IOException {
        Path dir = tmp.resolve("lists");
        Path list = MiniTrees.imageList(dir, "l.txt", List.of("a"), 1, false);
        Files.writeString(list, "images/a/000.png 0\nimages/a/gone.png 0\n");

        assertThatThrownBy(() -> ImageListDomain.open(list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":2")
                .hasMessageContaining(dir.resolve("images/a/gone.png").toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aMissingListIsNamed() {
        Path list = tmp.resolve("nope.txt");
        assertThatThrownBy(() -> Domains.open("list:" + list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void anEmptyListHasNoImages() throws IOException {
        Path list = Files.writeString(tmp.resolve("empty.txt"), "\n\n");
        assertThatThrownBy(() -> ImageListDomain.open(list))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list.toString())
                .hasMessageContaining("no images");
    }
}
