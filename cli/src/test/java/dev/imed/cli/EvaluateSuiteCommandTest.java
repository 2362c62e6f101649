package dev.imed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.experiments.suite.SuitePreset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code imed evaluate}'s two modes and {@code imed demo}'s settings, through the real command line. */
class EvaluateSuiteCommandTest {

    /** Runs the command line in-process; returns (exit code, stdout, stderr). */
    static Outcome run(String... args) {
        CommandLine cli = Imed.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(previous);
        }
    }

    record Outcome(int code, String out, String err) {}

    @Test
    void evaluateWithoutBundleOrSuiteSaysWhatToGive() {
        Outcome none = run("evaluate");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("nothing to evaluate", "--suite", "office31");
        Outcome noDomain = run("evaluate", "some/bundle");
        assertThat(noDomain.code()).isEqualTo(2);
        assertThat(noDomain.err()).contains("--domain");
        Outcome noOut = run("evaluate", "--suite", "digits");
        assertThat(noOut.code()).isEqualTo(2);
        assertThat(noOut.err()).contains("--out");
        Outcome unknown = run("evaluate", "--suite", "office32", "--out", "x");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown suite 'office32'");
        Outcome noRoot = run("evaluate", "--suite", "office31", "--out", "x");
        assertThat(noRoot.code()).isEqualTo(2);
        assertThat(noRoot.err()).contains("--root");
    }

    @Test
    void showPresetPrintsTheYamlToCopy() {
        Outcome shown = run("evaluate", "--suite", "visda", "--show-preset");
        assertThat(shown.code()).isZero();
        assertThat(shown.out()).contains("name: visda", "perClassAccuracy: true", "{root}/validation");
    }

    @Test
    void suiteFromAnEditedPresetRunsAndReportsThroughTheCli(@TempDir Path dir) throws IOException {
        // A user's preset: two small synthetic digit domains, tiny budgets.
        Path preset = dir.resolve("tiny.yaml");
        Files.writeString(preset, """
                name: tiny-digits
                title: Tiny digits
                tasks:
                  - {name: "a→b", source: "syn:96:1", target: "syn:64:2"}
                  - {name: "b→a", source: "syn:64:2", target: "syn:96:1"}
                components: {backbone: lenet, members: [dann, mcc], baselines: [source-only], iterations: 2, batchSize: 8, lr: 0.01}
                teacher: {fusion: imed, layers: 2, iterations: 2, batchSize: 8, lr: 0.01}
                student: {backbone: student-cnn, iterations: 2, batchSize: 8, lr: 0.01}
                seeds: 3
                perClassAccuracy: false
                checkpointEvery: 0
                """);
        Path out = dir.resolve("report");
        Outcome result = run("evaluate", "--preset", preset.toString(), "--tasks", "b->a", "--seeds", "1", "--out", out.toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("report: " + out.toAbsolutePath().normalize().resolve("results.md"), "student bundle: ");
        String md = Files.readString(out.resolve("results.md"));
        assertThat(md).contains("| model | b→a |", "| DANN \\* |", "| Source only (lenet) |", "| IMED student (student-cnn) |",
                "imed evaluate --preset");
        assertThat(md).doesNotContain("a→b |");
        Path student = Path.of(result.out().lines().filter(l -> l.startsWith("student bundle: ")).findFirst().orElseThrow()
                .substring("student bundle: ".length()));
        assertThat(Bundle.open(student).manifest().kind()).isEqualTo("student");
        assertThat(out.resolve("work")).isDirectory();

        // The single-bundle mode still works, on the student just made.
        Outcome single = run("evaluate", student.toString(), "--domain", "syn:96:1");
        assertThat(single.code()).as(single.err()).isZero();
        assertThat(single.out()).contains("student distill on syn", "accuracy");

        // Every model of the run, chosen among without the target's labels (one model open at a time).
        List<String> select = new ArrayList<>(List.of("select", "--domain", "syn:96:1", "--json", dir.resolve("select.json").toString()));
        try (Stream<Path> files = Files.walk(out.resolve("work"))) {
            files.filter(f -> f.getFileName().toString().equals("manifest.json")).map(Path::getParent)
                    .filter(b -> !b.getParent().getFileName().toString().equals("members")).sorted()
                    .forEach(b -> select.add(b.toString()));
        }
        assertThat(select).hasSizeGreaterThan(8); // three components, the teacher and two students at least
        Outcome chosen = run(select.toArray(String[]::new));
        assertThat(chosen.code()).as(chosen.err()).isZero();
        assertThat(chosen.out()).contains("selected (ensv): ");
        assertThat(Files.readString(dir.resolve("select.json"))).contains("\"criterion\" : \"ensv\"", "\"selected\"");
    }

    @Test
    void demoRunsTheDigitsMainJobWithQuickBudgets() {
        SuitePreset demo = DemoCommand.preset(DemoCommand.COMPONENT_ITERATIONS, DemoCommand.TEACHER_ITERATIONS,
                DemoCommand.STUDENT_ITERATIONS, 1, List.of());
        assertThat(demo.tasks()).singleElement().satisfies(t -> {
            assertThat(t.source()).isEqualTo("syn");
            assertThat(t.target()).isEqualTo("mnist5k");
        });
        assertThat(demo.components().members()).containsExactly("dann", "cdan", "mcc");
        assertThat(demo.components().baselines()).isEmpty();
        assertThat(demo.seeds()).isEqualTo(1);
        assertThat(demo.components().iterations()).isEqualTo(800);
        assertThat(demo.teacher().iterations()).isEqualTo(400);
        assertThat(demo.student().iterations()).isEqualTo(800);
        assertThat(demo.student().backbone()).isEqualTo("student-cnn");
    }
}
