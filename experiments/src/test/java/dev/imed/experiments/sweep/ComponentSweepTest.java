package dev.imed.experiments.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.task.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The component sweep's report from made-up runs (training is covered by the trainers' and the suite's tests). */
class ComponentSweepTest {
    private static final Task SYN = new Task("syn", "mnist5k");
    private static final Task UCI = new Task("uci1797", "mnist5k");

    @Test
    void writesTheTableAndVersionedResults(@TempDir Path out) throws Exception {
        List<ComponentSweep.Run> runs = List.of(
                new ComponentSweep.Run(SYN, "dann", 0, 70, null), new ComponentSweep.Run(SYN, "dann", 1, 72, null),
                new ComponentSweep.Run(UCI, "dann", 0, 80, null), new ComponentSweep.Run(UCI, "dann", 1, 82, null),
                new ComponentSweep.Run(SYN, "mcc", 0, Double.NaN, null), new ComponentSweep.Run(UCI, "mcc", 0, 90, null));
        ComponentSweep.write(out, runs, "imed sweep components …");

        assertThat(Files.readString(out.resolve("results.md"))).endsWith("| method | syn→mnist5k | uci1797→mnist5k | mean |\n"
                + "|---|---:|---:|---:|\n| dann | 71.0 ± 1.4 | 81.0 ± 1.4 | 76.0 ± 1.4 |\n| mcc | diverged | 90.0 | diverged |\n");
        Map<String, Object> json = ResultsJson.read(out.resolve("results.json"), ResultsJson.Kind.COMPONENTS);
        assertThat(json).containsEntry("command", "imed sweep components …");
        assertThat((List<?>) json.get("runs")).hasSize(6).first().isEqualTo(
                Map.of("task", "syn->mnist5k", "method", "dann", "seed", 0, "targetAccuracy", 70.0));
    }
}
