package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.label.TeacherLabel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A continuous job labels files as they land (written under a hidden name, then renamed), and after
 * a cancel it resumes from its retained checkpoint as the same run, without labelling anything twice.
 */
class StreamContinuousTest {
    @TempDir
    Path dir;

    @Test
    void labelsFilesAsTheyLandAndResumesAfterACancel() throws Exception {
        Continuous job = continuous(60, 200, 8, 100, 300);
        List<Path> digits = job.digits();
        Path input = job.input();
        StreamConfig config = job.config();

        List<String> firstWave = new ArrayList<>();
        StreamSummary first;
        try (RunningStream running = StreamJob.start(config)) {
            firstWave.addAll(StreamFixtures.land(digits.subList(0, 15), input));
            awaitLabels(running, 15);
            firstWave.addAll(StreamFixtures.land(digits.subList(15, 40), input));
            awaitLabels(running, 40);
            first = running.cancel();
        }
        assertThat(first.status()).isEqualTo("CANCELED");
        List<String> labelledFirst = new StreamOutputs(config.out()).labels(first.runId()).stream().map(TeacherLabel::path).toList();
        assertThat(labelledFirst).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(firstWave);

        // While the job is down more files land; the resumed job labels only those.
        List<String> secondWave = StreamFixtures.land(digits.subList(40, 60), input);
        Optional<Path> checkpoint = StreamJob.latestCheckpoint(config.out());
        assertThat(checkpoint).as("a checkpoint retained on cancellation").isPresent();
        StreamSummary second;
        try (RunningStream running = StreamJob.start(config.withResumeFrom(checkpoint.get()))) {
            // As the CLI runs it: the main thread awaits, a shutdown hook cancels.
            CompletableFuture<StreamSummary> awaited = CompletableFuture.supplyAsync(running::await);
            awaitLabels(running, 60);
            Thread.sleep(1000);
            running.cancel();
            second = awaited.get(60, TimeUnit.SECONDS);
        }
        assertThat(second.status()).isEqualTo("CANCELED");
        // The resumed job is the same run: its labels add up to both waves, each file once.
        assertThat(second.runId()).isEqualTo(first.runId());
        List<String> both = new ArrayList<>(firstWave);
        both.addAll(secondWave);
        List<String> labelledSecond = new StreamOutputs(config.out()).labels(second.runId()).stream().map(TeacherLabel::path).toList();
        assertThat(labelledSecond).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(both);
    }

    @Test
    void aFileDeadLetteredHalfWrittenIsLabelledOnceComplete() throws Exception {
        Continuous job = continuous(10, 100, 4, 50, 200);
        StreamOutputs outputs = new StreamOutputs(job.config().out());
        Path upload = job.input().resolve("upload.png");
        String uploadPath = upload.toAbsolutePath().toString();
        try (RunningStream running = StreamJob.start(job.config())) {
            // A writer that does not stage its files: the job reads the first half of the image.
            byte[] whole = Files.readAllBytes(job.digits().get(0));
            replace(upload, java.util.Arrays.copyOf(whole, whole.length / 2));
            await(() -> outputs.deadLetters(running.runId()).size() == 1);
            assertThat(outputs.deadLetters(running.runId()).get(0).path()).isEqualTo(uploadPath);
            // The writer finishes: a new size and modification time, so the file is read again.
            replace(upload, whole);
            await(() -> outputs.labels(running.runId()).size() == 1);
            // Two more files, one after the other: listings in between take nothing twice.
            List<String> later = new ArrayList<>(StreamFixtures.land(job.digits().subList(1, 2), job.input()));
            await(() -> outputs.labels(running.runId()).size() == 2);
            later.addAll(StreamFixtures.land(job.digits().subList(2, 3), job.input()));
            await(() -> outputs.labels(running.runId()).size() == 3);
            running.cancel();
            List<String> labelled = outputs.labels(running.runId()).stream().map(TeacherLabel::path).toList();
            assertThat(labelled).containsExactlyInAnyOrder(uploadPath, later.get(0), later.get(1));
            assertThat(outputs.deadLetters(running.runId())).hasSize(1);
        }
    }

    /** A labelling-only continuous job over {@code input}, still empty, and the digit images that are to land in it. */
    private record Continuous(List<Path> digits, Path input, StreamConfig config) {}

    /**
     * {@code images} digits exported, an empty incoming directory, and a continuous job over it that lists it every
     * {@code monitorMs}, labels batches of {@code batch} (or what came within {@code batchTimeoutMs}) and
     * checkpoints every {@code checkpointMs}.
     */
    private Continuous continuous(int images, long monitorMs, int batch, long batchTimeoutMs, long checkpointMs) throws IOException {
        StreamFixtures.Models models = StreamFixtures.models();
        List<Path> digits = StreamFixtures.exportDigits(images, dir.resolve("digits"));
        Path input = Files.createDirectories(dir.resolve("incoming"));
        StreamConfig config = StreamConfig.defaults(models.teacher(), null, input, dir.resolve("out"))
                .withContinuous(true)
                .withMonitorInterval(Duration.ofMillis(monitorMs))
                .withBatch(batch, batchTimeoutMs)
                .withCheckpointInterval(checkpointMs);
        return new Continuous(digits, input, config);
    }

    /** Replaces a file's content whole (staged beside it, then renamed over it). */
    private static void replace(Path file, byte[] content) throws IOException {
        Path staged = file.resolveSibling("." + file.getFileName() + ".part");
        Files.write(staged, content);
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 90 s");
            }
            Thread.sleep(100);
        }
    }


    private static void awaitLabels(RunningStream running, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (running.progress().labelled() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + running.progress().labelled() + " of " + count + " labels after 90 s");
            }
            Thread.sleep(100);
        }
    }
}
