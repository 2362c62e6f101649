package dev.imed.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.task.Task;
import dev.imed.fusion.selection.SelectionCriterion;
import dev.imed.fusion.teacher.TeacherConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lever sweep on real (tiny) components and teachers: per run a setting is chosen without target labels. */
class LeverSweepTest {
    @TempDir
    Path dir;

    @Test
    void settingsParseIntoTheTeachersOptionsAndUnknownOnesAreNamed() {
        TeacherConfig base = TeacherConfig.defaults(List.of(Path.of("a"), Path.of("b")), "syn", "mnist5k");
        TeacherConfig changed = LeverSweep.Setting.parse("member-dropout=0.2+info-max=0.1").change().apply(base);
        assertThat(changed.memberDropout()).isEqualTo(0.2f);
        assertThat(changed.infoMaxWeight()).isEqualTo(0.1f);
        assertThat(LeverSweep.Setting.parse("paper").change().apply(base)).isEqualTo(base);
        assertThatThrownBy(() -> LeverSweep.Setting.parse("dropout=0.2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'dropout=0.2'").hasMessageContaining("member-dropout");
        assertThatThrownBy(() -> LeverSweep.Setting.parse("info-max=much")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'much' is not a number");
    }

    @Test
    void eachRunChoosesOneSettingAndTheReportSetsItBesideTheOthers() throws Exception {
        List<LeverSweep.Setting> settings = List.of(LeverSweep.Setting.parse("paper"), LeverSweep.Setting.parse("member-dropout=0.5"));
        List<LeverSweep.Run> runs = LeverSweep.run(dir, List.of(Task.parse("syn:300:3->uci1797")), List.of(TeacherSweep.Ensemble.mixed()),
                List.of(0L), settings, SelectionCriterion.ENSV, c -> c.withIterations(4).withBatchSize(8),
                t -> t.toBuilder().iterations(4).batchSize(8).selection(SelectionCriterion.ENSV).selectEvery(2).build());
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.settings().stream().map(s -> s.get("setting")).toList()).containsExactly("paper", "member-dropout=0.5");
            assertThat(run.settings().get(0).get("bundle")).isNotEqualTo(run.settings().get(1).get("bundle"));
            assertThat(run.scores()).hasSize(2);
            assertThat(java.util.Arrays.stream(run.scores()).boxed().toList()).allSatisfy(s -> assertThat(s).isBetween(0.0, 1.0));
            assertThat(run.chosen()).isEqualTo(SelectionCriterion.best(run.scores()));
            assertThat(run.settings().get(0).get("selection")).isNotNull();
            assertThat(run.members()).containsKeys("componentAccuracy", "averageAccuracy", "headroom");
        });
        LeverSweep.write(dir.resolve("report"), runs, "ensv", "test");
        String md = Files.readString(dir.resolve("report").resolve("levers.md"));
        assertThat(md).contains("| averaging |", "| IMED paper: kept iterate |", "| IMED member-dropout=0.5: oracle iterate |",
                "| **setting chosen by ensv (no target labels)** |", "best member (picked with target labels)", "| paper | ");
        assertThat(ResultsJson.read(dir.resolve("report").resolve("levers.json"), ResultsJson.Kind.LEVERS))
                .containsEntry("criterion", "ensv").containsKey("runs");
    }
}
