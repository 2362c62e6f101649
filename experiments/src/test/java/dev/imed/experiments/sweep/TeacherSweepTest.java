package dev.imed.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.ensemble.train.DivergedException;
import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.task.Task;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.teacher.TeacherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherSweepTest {
    @TempDir
    Path work;

    @Test
    void aTeacherThatDivergedOnceIsNotTrainedAgain() throws Exception {
        // Members that do not exist: training would fail on them, so only the remembered divergence can answer.
        TeacherConfig config = TeacherConfig.defaults(List.of(work.resolve("no-member")), "syn", "mnist5k");
        List<String> memberDigests = List.of("0".repeat(64));
        Path dir = TeacherSweep.bundleDir(work, config, memberDigests);
        Files.writeString(dir.resolveSibling(dir.getFileName() + ".diverged"), "teacher imed syn→mnist5k: diverged at iteration 59\n");
        assertThatThrownBy(() -> TeacherSweep.trainOrReuse(work, config, memberDigests)).isInstanceOf(DivergedException.class)
                .hasMessage("teacher imed syn→mnist5k: diverged at iteration 59");
    }

    @Test
    void aSecondSweepReusesEveryStageAndSoDoesOneInAMovedWorkDirectory() throws Exception {
        Path first = work.resolve("first");
        List<TeacherSweep.Entry> trained = sweep(first);
        Map<Path, FileTime> written = weightsWritten(first);
        assertThat(written).hasSize(3 + 2); // the mixed ensemble's three members, and a teacher per fusion

        List<TeacherSweep.Entry> again = sweep(first);
        assertThat(weightsWritten(first)).isEqualTo(written);
        assertThat(again).extracting(TeacherSweep.Entry::accuracy).containsExactlyElementsOf(
                trained.stream().map(TeacherSweep.Entry::accuracy).toList());

        // Members and teachers move together: their keys hold digests, not paths, so nothing trains again.
        Path moved = work.resolve("moved");
        Files.move(first, moved);
        List<TeacherSweep.Entry> afterMove = sweep(moved);
        Map<Path, FileTime> movedWritten = new LinkedHashMap<>();
        written.forEach((file, time) -> movedWritten.put(moved.resolve(first.relativize(file)), time));
        assertThat(weightsWritten(moved)).isEqualTo(movedWritten);
        assertThat(afterMove).extracting(TeacherSweep.Entry::accuracy).containsExactlyElementsOf(
                trained.stream().map(TeacherSweep.Entry::accuracy).toList());

        TeacherSweep.write(work.resolve("report"), afterMove, List.of(), "imed sweep fusion …");
        assertThat(ResultsJson.read(work.resolve("report").resolve("fusion-results.json"), ResultsJson.Kind.TEACHERS))
                .containsEntry("command", "imed sweep fusion …").containsKeys("entries", "imedDetails");
        // One task: the mean column would repeat it, so the table has none.
        assertThat(Files.readString(work.resolve("report").resolve("fusion-results.md")))
                .contains("### Ensemble: mixed\n\n| model | syn:300:3→uci1797 |\n|---|---:|\n| component 1 (dann) | ");
    }

    private static List<TeacherSweep.Entry> sweep(Path work) {
        return TeacherSweep.run(work, List.of(Task.parse("syn:300:3->uci1797")), List.of(TeacherSweep.Ensemble.mixed()), List.of(0L),
                List.of(FusionKind.IMED, FusionKind.AVERAGE), c -> c.withIterations(4).withBatchSize(8),
                t -> t.toBuilder().iterations(4).batchSize(8).build(), new ArrayList<>());
    }

    /** Every bundle's weights file under {@code work}, with when it was written. */
    private static Map<Path, FileTime> weightsWritten(Path work) throws Exception {
        Map<Path, FileTime> written = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(work)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("weights.params")).sorted().toList()) {
                written.put(file, Files.getLastModifiedTime(file));
            }
        }
        return written;
    }
}
