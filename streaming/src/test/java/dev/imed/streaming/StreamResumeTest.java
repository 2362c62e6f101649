package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.streaming.distill.StudentVersion;
import dev.imed.streaming.label.TeacherLabel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users run it, in a process of its own ({@link StreamJobMain} with {@code --resume auto},
 * continuous, distilling), killed with SIGKILL in the middle of the stream and started again with the
 * same command: the second process carries on the first one's run. Over both, every file is labelled
 * exactly once, the student's step counter continues from the checkpoint, and no version number or
 * step count is published twice.
 */
class StreamResumeTest {
    private static final int WAVE = 240;
    private static final int TRAIN_BATCH = 8;
    private static final int PUBLISH_EVERY = 5;
    private static final Duration WAIT = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void aKilledProcessResumesItsRunFromTheNewestCheckpoint() throws Exception {
        StreamFixtures.Models models = StreamFixtures.models();
        List<Path> digits = StreamFixtures.exportDigits(3 * WAVE, dir.resolve("digits"));
        Path input = Files.createDirectories(dir.resolve("incoming"));
        Path out = dir.resolve("out");
        StreamOutputs outputs = new StreamOutputs(out);
        List<String> command = List.of("--teacher", models.teacher().toString(), "--student", models.student().toString(),
                "--input", input.toString(), "--out", out.toString(), "--continuous", "--monitor-interval-ms", "200",
                "--checkpoint-interval-ms", "300", "--batch-size", "16", "--batch-timeout-ms", "50",
                "--train-batch", Integer.toString(TRAIN_BATCH), "--publish-every", Integer.toString(PUBLISH_EVERY),
                // Versions are counted against steps: the quality gate (tested on its own) must not hold any back.
                "--holdout-every", "0",
                "--resume", "auto");

        List<String> landed = new ArrayList<>(StreamFixtures.land(digits.subList(0, WAVE), input));
        Process first = start(command, dir.resolve("first.log"));
        long killedAt;
        String runId;
        try {
            // A first wave through, committed, with versions published; then a second wave lands and the
            // process dies while it streams through.
            await(() -> outputs.labels(null).size() >= WAVE && !outputs.published(null).isEmpty(), first, "the first wave");
            landed.addAll(StreamFixtures.land(digits.subList(WAVE, 2 * WAVE), input));
            await(() -> outputs.labels(null).size() > WAVE + WAVE / 4, first, "part of the second wave");
            first.destroyForcibly(); // SIGKILL: no cancellation, no clean-up, no final checkpoint
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            killedAt = outputs.labels(null).size();
            runId = onlyRun(outputs);
        } finally {
            first.destroyForcibly();
        }
        System.out.printf("killed with %d labels committed%n", killedAt);
        List<StudentVersion> beforeKill = outputs.published(runId);
        long stepsBeforeKill = beforeKill.get(beforeKill.size() - 1).steps();

        // While nothing runs, a third wave lands; the same command picks the run up again.
        landed.addAll(StreamFixtures.land(digits.subList(2 * WAVE, 3 * WAVE), input));
        Process second = start(command, dir.resolve("second.log"));
        int total = 3 * WAVE;
        long finalSteps = total / TRAIN_BATCH;
        try {
            await(() -> outputs.labels(null).size() >= total
                    && outputs.published(null).stream().anyMatch(v -> v.steps() >= finalSteps), second, "all three waves");
            second.destroy(); // SIGTERM: the job is cancelled and its summary written
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second process exits on SIGTERM").isTrue();
        } finally {
            second.destroyForcibly();
        }
        assertThat(Files.readString(dir.resolve("second.log"))).contains("resuming run " + runId);

        // One run over both processes, every file labelled exactly once.
        assertThat(onlyRun(outputs)).isEqualTo(runId);
        List<String> labelled = outputs.labels(runId).stream().map(TeacherLabel::path).toList();
        assertThat(labelled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(landed);
        assertThat(Files.exists(out.resolve("summary-" + runId + ".json"))).isTrue();

        // The student went on from its checkpoint: one version per PUBLISH_EVERY steps, in order, none twice,
        // each the child of the one before, and the second process's versions restored mid-way.
        StudentRegistry registry = new StudentRegistry(out.resolve("students"));
        List<Manifest> manifests = new ArrayList<>();
        for (long v : registry.versions()) {
            manifests.add(Bundle.open(registry.directory(v)).manifest());
        }
        List<Long> steps = manifests.stream().map(m -> number(m, "steps")).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = PUBLISH_EVERY; s <= finalSteps; s += PUBLISH_EVERY) {
            expected.add(s);
        }
        assertThat(steps).containsExactlyElementsOf(expected);
        assertThat(manifests).allSatisfy(m -> assertThat(m.training()).containsEntry("runId", runId));
        for (int i = 1; i < manifests.size(); i++) {
            assertThat(manifests.get(i).lineage()).containsEntry("parentVersion", Long.toString(manifests.get(i - 1).version()));
        }
        Manifest newest = manifests.get(manifests.size() - 1);
        assertThat(number(newest, "imagesSeen")).as("every image taught the student once").isEqualTo(finalSteps * TRAIN_BATCH);
        assertThat(number(newest, "restoredFromStep")).as("the second process resumed the student where its checkpoint left it")
                .isGreaterThanOrEqualTo(stepsBeforeKill).isPositive();

        // The job's record of versions (committed JSON lines) is exactly once too.
        List<StudentVersion> published = outputs.published(runId);
        assertThat(published).extracting(StudentVersion::version).doesNotHaveDuplicates()
                .containsExactlyElementsOf(manifests.stream().map(Manifest::version).toList());
    }

    private static String onlyRun(StreamOutputs outputs) {
        List<String> runs = runsOf(outputs);
        assertThat(runs).as("the runs in the outputs").hasSize(1);
        return runs.get(0);
    }

    /** The run ids in the label files' names ({@code labels-<run>-<uuid>-<subtask>-<n>.jsonl}). */
    private static List<String> runsOf(StreamOutputs outputs) {
        try (var files = Files.list(outputs.dir(StreamOutputs.LABELS))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(StreamOutputs.LABELS + "-") && !n.startsWith("."))
                    .map(n -> n.substring(StreamOutputs.LABELS.length() + 1, StreamOutputs.LABELS.length() + 1 + 22))
                    .distinct().collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code java … StreamJobMain ARGS} on this test's classpath, output to {@code log}. */
    private static Process start(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), StreamJobMain.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(BooleanSupplier condition, Process process, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("the job process exited (" + process.exitValue() + ") before " + what);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " after " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }


    private static long number(Manifest m, String key) {
        return ((Number) m.training().get(key)).longValue();
    }
}
