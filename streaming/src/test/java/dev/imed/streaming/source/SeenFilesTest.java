package dev.imed.streaming.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.source.FileBatch.ListedFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The continuous source's bounded record of what it has taken, listing by listing. */
class SeenFilesTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aGrowingDirectoryIsTakenOnceEachWhileTheRecordStaysBounded() {
        SeenFiles seen = new SeenFiles(60_000, 50);
        List<ListedFile> directory = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int listing = 0; listing < 200; listing++) {
            // Ten new files land between listings, a second apart; every listing shows the whole directory.
            for (int i = 0; i < 10; i++) {
                int n = directory.size();
                directory.add(new ListedFile("file:/in/" + n + ".png", 100 + n, NOW - 3_600_000 + n * 100L));
            }
            for (ListedFile file : seen.take(directory, NOW)) {
                assertThat(taken.add(file.uri())).as("taken twice: " + file.uri()).isTrue();
            }
            assertThat(seen.size()).isLessThanOrEqualTo(50);
        }
        assertThat(taken).hasSize(2000);
    }

    @Test
    void aFileLandingLateWithinTheLatenessIsTakenAndOneBelowTheFloorIsNot() {
        SeenFiles seen = new SeenFiles(10_000, 1000);
        seen.take(List.of(file("a", 1, NOW - 1000)), NOW);
        assertThat(seen.floor()).isEqualTo(NOW - 11_000);
        // Written before a, renamed into place after a was listed.
        assertThat(seen.take(List.of(file("a", 1, NOW - 1000), file("b", 1, NOW - 5000)), NOW)).extracting(ListedFile::uri)
                .containsExactly("file:/in/b");
        assertThat(seen.take(List.of(file("old", 1, NOW - 20_000)), NOW)).isEmpty();
    }

    @Test
    void aFileWhoseSizeOrModificationTimeChangedIsTakenAgain() {
        SeenFiles seen = new SeenFiles(60_000, 1000);
        assertThat(seen.take(List.of(file("x", 10, NOW - 500), file("y", 10, NOW - 500)), NOW)).hasSize(2);
        assertThat(seen.take(List.of(file("x", 10, NOW - 500), file("y", 10, NOW - 500)), NOW)).isEmpty();
        assertThat(seen.take(List.of(file("x", 99, NOW - 500), file("y", 10, NOW - 500)), NOW)).containsExactly(file("x", 99, NOW - 500));
        assertThat(seen.take(List.of(file("x", 99, NOW - 500), file("y", 10, NOW - 100)), NOW)).containsExactly(file("y", 10, NOW - 100));
    }

    @Test
    void aFileFromTheFutureDoesNotLiftTheFloorPastTheClock() {
        SeenFiles seen = new SeenFiles(1000, 1000);
        seen.take(List.of(file("skewed", 1, NOW + 86_400_000)), NOW);
        assertThat(seen.floor()).isEqualTo(NOW - 1000);
        assertThat(seen.take(List.of(file("skewed", 1, NOW + 86_400_000), file("normal", 1, NOW - 10)), NOW))
                .containsExactly(file("normal", 1, NOW - 10));
    }

    @Test
    void survivesSerialisation() throws Exception {
        SeenFiles seen = new SeenFiles(5000, 3);
        seen.take(List.of(file("a", 1, NOW - 4), file("b", 2, NOW - 3), file("c", 3, NOW - 2), file("d", 4, NOW - 1)), NOW);
        assertThat(seen.size()).isEqualTo(3);
        DataOutputSerializer out = new DataOutputSerializer(64);
        seen.write(out);
        SeenFiles back = SeenFiles.read(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isEqualTo(seen);
        assertThat(back.take(List.of(file("a", 1, NOW - 4), file("d", 4, NOW - 1), file("e", 1, NOW)), NOW))
                .containsExactly(file("e", 1, NOW));
    }

    private static ListedFile file(String name, long size, long modified) {
        return new ListedFile("file:/in/" + name, size, modified);
    }
}
