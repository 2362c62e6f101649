package dev.imed.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.testing.MiniTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisDaTest {
    private static final List<String> CLASSES = MiniTrees.VISDA_CLASSES;

    @TempDir Path tmp;

    @Test
    void opensBothSplitsThroughTheirLists() {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 3);

        Domain train = Domains.open("visda:" + root.resolve("train"));
        Domain validation = Domains.open("visda:" + root.resolve("validation"));

        assertThat(train).isInstanceOf(VisDa.class);
        assertThat(train.name()).isEqualTo("visda:train");
        assertThat(validation.name()).isEqualTo("visda:validation");
        assertThat(train.classNames()).containsExactlyElementsOf(CLASSES);
        assertThat(validation.classNames()).containsExactlyElementsOf(CLASSES);
        assertThat(train.size()).isEqualTo(9);
        assertThat(validation.labels()).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2);
        assertThat(train.locate(0)).endsWith("train/aeroplane/src_1_0001.png");
        assertThat(validation.locate(8)).endsWith("validation/bus/bus_0003.jpg");
        LayoutChecks.imagesMatchLabels(train, CLASSES);
        LayoutChecks.imagesMatchLabels(validation, CLASSES);
    }

    @Test
    void classNamesFollowTheListsLabelsNotTheAlphabet() {
        List<String> written = List.of("truck", "car", "horse");
        Path root = MiniTrees.visda(tmp.resolve("visda"), written, 2);

        Domain validation = VisDa.open(root.resolve("validation"));

        assertThat(validation.classNames()).containsExactly("truck", "car", "horse");
        LayoutChecks.imagesMatchLabels(validation, written);
    }

    @Test
    void withoutAListTheSplitIsReadAsAFolder() throws IOException {
        List<String> written = List.of("truck", "car", "horse");
        Path root = MiniTrees.visda(tmp.resolve("visda"), written, 2);
        Files.delete(root.resolve("validation/image_list.txt"));

        Domain validation = VisDa.open(root.resolve("validation"));

        assertThat(validation.name()).isEqualTo("visda:validation");
        assertThat(validation.classNames()).containsExactly("car", "horse", "truck");
        assertThat(validation.size()).isEqualTo(6);
        LayoutChecks.imagesMatchLabels(validation, written);
    }

    @Test
    void aCutDownListKeepsTheOfficialNameOfAMissingLabel() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), List.of("aeroplane", "bicycle", "bus"), 1);
        Path list = root.resolve("train/image_list.txt");
        Files.writeString(list, "aeroplane/src_1_0001.png 0\nbus/src_1_0001.png 2\n");

        Domain train = VisDa.open(root.resolve("train"));

        assertThat(train.classNames()).containsExactly("aeroplane", "bicycle", "bus");
        assertThat(train.labels()).containsExactly(0, 2);
    }

    @Test
    void aMissingLabelWithUnofficialNamesIsAnError() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), List.of("car", "truck"), 1);
        Path list = root.resolve("validation/image_list.txt");
        Files.writeString(list, "car/car_0001.jpg 0\ntruck/truck_0001.jpg 2\n");

        assertThatThrownBy(() -> VisDa.open(root.resolve("validation")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list.toString())
                .hasMessageContaining("label 1");
    }

    @Test
    void inconsistentLabelsAreNamedWithTheirLine() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 2);
        Path list = root.resolve("validation/image_list.txt");
        // Line 3 puts a bicycle under label 0, which line 1 gave to aeroplane.
        Files.writeString(list, Files.readString(list).replace("bicycle/bicycle_0001.jpg 1", "bicycle/bicycle_0001.jpg 0"));

        LayoutChecks.assertRefused("visda:" + root.resolve("validation"), list + ":3", "inconsistent", "aeroplane", "bicycle");
    }

    @Test
    void twoLabelsForOneDirectoryAreInconsistent() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 2);
        assertTrainListRefused(root, written -> "aeroplane/src_1_0001.png 0\naeroplane/src_1_0002.png 1\n", 2, "inconsistent");
    }

    @Test
    void aListedFileThatDoesNotExistIsNamed() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 1);
        assertTrainListRefused(root, written -> written + "bus/src_1_9999.png 2\n", 4,
                root.resolve("train/bus/src_1_9999.png").toString(), "does not exist");
    }

    @Test
    void aLineWithoutALabelIsNamed() throws IOException {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 1);
        assertTrainListRefused(root, written -> "aeroplane/src_1_0001.png 0\nbicycle/src_1_0001.png\n", 2, "no label");
    }

    @Test
    void theRootIsRefusedWithAHint() {
        Path root = MiniTrees.visda(tmp.resolve("visda"), CLASSES, 1);
        LayoutChecks.assertRefused("visda:" + root, root.toString(), "ROOT/train or ROOT/validation");
    }

    @Test
    void theOfficialClassesAreTheTwelve() {
        assertThat(VisDa.CLASSES).hasSize(12).isSorted()
                .startsWith("aeroplane", "bicycle").endsWith("train", "truck");
    }

    /**
     * The train split, its list rewritten by {@code rewrite} (given the list as written), is refused with a
     * message that names the list's {@code line} and holds every one of {@code phrases}.
     */
    private static void assertTrainListRefused(Path root, UnaryOperator<String> rewrite, int line, String... phrases)
            throws IOException {
        Path list = root.resolve("train/image_list.txt");
        Files.writeString(list, rewrite.apply(Files.readString(list)));
        assertThatThrownBy(() -> VisDa.open(root.resolve("train")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(list + ":" + line)
                .hasMessageContainingAll(phrases);
    }
}
