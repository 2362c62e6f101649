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

class ImageFolderDomainTest {
    @TempDir Path tmp;

    @Test
    void readsClassesSortedByNameWithTheirImages() {
        List<String> written = List.of("zebra", "apple", "Mango");
        MiniTrees.imageFolder(tmp.resolve("fruit"), written, 3);

        Domain domain = Domains.open("folder:" + tmp.resolve("fruit"));

        assertThat(domain.name()).isEqualTo("folder:fruit");
        // Ordinal order, as Python's sorted(): capitals first.
        assertThat(domain.classNames()).containsExactly("Mango", "apple", "zebra");
        assertThat(domain.size()).isEqualTo(9);
        assertThat(domain.labelled()).isTrue();
        assertThat(domain.labels()).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2);
        assertThat(domain.locate(0)).endsWith("Mango/000.png");
        LayoutChecks.imagesMatchLabels(domain, written);
    }

    @Test
    void takesImageExtensionsInAnyCaseAndIgnoresOtherAndHiddenFiles() throws IOException {
        Path root = tmp.resolve("mixed");
        MiniTrees.write(root.resolve("cat/a.PNG"), MiniTrees.image(0, 0, 0, 16));
        MiniTrees.write(root.resolve("cat/b.JPeG"), MiniTrees.image(0, 1, 0, 16));
        MiniTrees.write(root.resolve("cat/c.bmp"), MiniTrees.image(0, 2, 0, 16));
        MiniTrees.write(root.resolve("cat/d.gif"), MiniTrees.image(0, 3, 0, 16));
        MiniTrees.write(root.resolve("cat/nested/e.jpg"), MiniTrees.image(0, 4, 0, 16));
        MiniTrees.writeText(root.resolve("cat/notes.txt"), "not an image");
        MiniTrees.writeText(root.resolve("cat/._a.PNG"), "macOS resource fork");
        MiniTrees.write(root.resolve("cat/.thumbs/f.png"), MiniTrees.image(0, 5, 0, 16));
        MiniTrees.write(root.resolve(".cache/x/g.png"), MiniTrees.image(0, 6, 0, 16));
        MiniTrees.writeText(root.resolve("README"), "a file at the root is not a class");

        FileDomain domain = ImageFolderDomain.open(root);

        assertThat(domain.classNames()).containsExactly("cat");
        assertThat(domain.files()).extracting(p -> root.relativize(p).toString())
                .containsExactly("cat/a.PNG", "cat/b.JPeG", "cat/c.bmp", "cat/d.gif", "cat/nested/e.jpg");
        for (int i = 0; i < domain.size(); i++) {
            assertThat(domain.load(i).getWidth()).isEqualTo(16);
        }
    }

    @Test
    void missingRootIsNamed() {
        Path missing = tmp.resolve("nowhere");
        assertThatThrownBy(() -> Domains.open("folder:" + missing))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void rootThatIsAFileIsNamed() {
        Path file = tmp.resolve("file.png");
        MiniTrees.write(file, MiniTrees.image(0, 0, 0, 8));
        assertThatThrownBy(() -> Domains.open("folder:" + file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void emptyClassDirectoryIsNamed() throws IOException {
        Path root = MiniTrees.imageFolder(tmp.resolve("root"), List.of("a", "b"), 2);
        Path empty = Files.createDirectories(root.resolve("c"));
        MiniTrees.writeText(empty.resolve("readme.txt"), "no images here");
        assertThatThrownBy(() -> Domains.open("folder:" + root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("empty class");
    }

    @Test
    void rootWithoutClassDirectoriesHasNoImages() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("flat"));
        MiniTrees.write(root.resolve("loose.png"), MiniTrees.image(0, 0, 0, 8));
        assertThatThrownBy(() -> Domains.open("folder:" + root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.toString())
                .hasMessageContaining("no images")
                .hasMessageContaining("directly in the root");
    }

    @Test
    void emptyRootHasNoImages() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ImageFolderDomain.open(root))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(root.toString())
                .hasMessageContaining("no images");
    }
}
