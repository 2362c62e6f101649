package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.streaming.cluster.SessionCluster;
import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.distill.OnlineDistillation;
import dev.imed.streaming.label.TeacherLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.MapFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real session cluster of separate processes (a JobManager and two TaskManagers, started as
 * {@code imed cluster start} does), the job submitted over REST at parallelism 2 with online
 * distillation; one TaskManager is killed with SIGKILL in the middle of the stream and a replacement
 * started. The job restarts from its last checkpoint and finishes: every file labelled exactly once,
 * the dead letters intact, the student's versions one per {@code PUBLISH_EVERY} steps without gaps or
 * repeats.
 */
class StreamClusterFailoverTest {
    private static final int IMAGES = 2000;
    private static final int TRAIN_BATCH = 8;
    private static final int PUBLISH_EVERY = 10;

    @TempDir
    Path dir;

    /**
     * Holds each image back 20 ms until the file {@code marker} exists, so that the TaskManager is
     * killed while most of the stream is still ahead; then lets everything through at full speed.
     */
    static final class Throttle implements MapFunction<DecodedImage, DecodedImage> {
        private final String marker;
        private transient boolean released;

        Throttle(String marker) {
            this.marker = marker;
        }

        @Override
        public DecodedImage map(DecodedImage image) throws Exception {
            if (!released) {
                released = Files.exists(Path.of(marker));
                if (!released) {
                    Thread.sleep(20);
                }
            }
            return image;
        }
    }

    /** The end of every process's log, for a failure's report (the directory goes with the test). */
    private static void printLogs(Path clusterDir) throws java.io.IOException {
        Path logs = clusterDir.resolve("log");
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (var files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                System.out.println("==== " + log.getFileName() + " (last 150 lines)");
                lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.out::println);
            }
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aKilledTaskManagerIsReplacedAndTheJobFinishesExactlyOnce() throws Exception {
        StreamFixtures.Models models = StreamFixtures.models();
        Path input = dir.resolve("input");
        List<String> images = StreamFixtures.exportDigits(IMAGES, input).stream().map(p -> p.toAbsolutePath().toString()).toList();
        Path bad = Files.createDirectories(input.resolve("uploads"));
        Files.write(bad.resolve("notes.txt"), BadFiles.text());
        Files.write(bad.resolve("truncated.png"), BadFiles.truncated(Path.of(images.get(0))));
        Path marker = dir.resolve("release");

        SessionCluster cluster;
        try {
            cluster = SessionCluster.start(new SessionCluster.Spec(dir.resolve("cluster"), 2, 1, 0,
                    System.getProperty("java.class.path")), Duration.ofSeconds(300));
        } catch (RuntimeException e) {
            printLogs(dir.resolve("cluster"));
            throw e;
        }
        try {
            StreamConfig config = StreamConfig.defaults(models.teacher(), models.student(), input, dir.resolve("out"))
                    .withParallelism(2)
                    .withFileReaders(2)
                    .withBatch(16, 50)
                    // Versions are counted against steps here, so none may be held back by the quality gate (tested on its own).
                    .withDistillation(OnlineDistillation.defaults().withBatchSize(TRAIN_BATCH).withPublishEvery(PUBLISH_EVERY)
                            .withoutGate())
                    .withCheckpointInterval(300)
                    .withRestarts(30, 1000);
            StreamOutputs outputs = new StreamOutputs(config.out());
            RunningStream running = StreamJob.submit(config, cluster.address(), List.of(),
                    decoded -> decoded.map(new Throttle(marker.toString())).name("throttle").uid("throttle"));

            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (outputs.labels(running.runId()).size() < 150 || outputs.published(running.runId()).isEmpty()) {
                assertThat(System.nanoTime()).as("labels and a version committed within 150 s").isLessThan(deadline);
                Thread.sleep(200);
            }
            long taskManager = cluster.processes().get("taskmanager-0");
            int labelledBefore = outputs.labels(running.runId()).size();
            ProcessHandle.of(taskManager).orElseThrow().destroyForcibly(); // SIGKILL
            ProcessHandle.of(taskManager).get().onExit().get(30, TimeUnit.SECONDS);
            System.out.printf("killed TaskManager %d with %d of %d labels committed%n", taskManager, labelledBefore, IMAGES);
            assertThat(labelledBefore).isLessThan(IMAGES / 2);
            cluster.addTaskManager();
            Files.createFile(marker);

            StreamSummary summary = running.await();
            System.out.println(summary);
            assertThat(summary.status()).isEqualTo("FINISHED");

            List<String> labelled = outputs.labels(running.runId()).stream().map(TeacherLabel::path).toList();
            assertThat(labelled).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(images);
            assertThat(outputs.deadLetters(running.runId())).extracting(d -> Path.of(d.path()).getFileName().toString(), DeadLetter::reason)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("notes.txt", DeadLetter.NOT_AN_IMAGE),
                            org.assertj.core.groups.Tuple.tuple("truncated.png", DeadLetter.UNDECODABLE));

            StudentRegistry registry = new StudentRegistry(config.registryDir());
            List<Long> versions = registry.versions();
            List<Long> steps = new ArrayList<>();
            for (long v : versions) {
                Manifest m = Bundle.open(registry.directory(v)).manifest();
                steps.add(((Number) m.training().get("steps")).longValue());
            }
            long finalSteps = IMAGES / TRAIN_BATCH;
            List<Long> expected = new ArrayList<>();
            for (long s = PUBLISH_EVERY; s <= finalSteps; s += PUBLISH_EVERY) {
                expected.add(s);
            }
            if (finalSteps % PUBLISH_EVERY != 0) {
                expected.add(finalSteps); // the end of the input publishes what was learned since the last version
            }
            assertThat(steps).containsExactlyElementsOf(expected);
            for (int i = 0; i < versions.size(); i++) {
                assertThat(versions.get(i)).as("version numbers without gaps").isEqualTo(i + 1L);
            }
            assertThat(summary.studentImagesSeen()).isEqualTo(IMAGES);
            Map<String, Long> alive = cluster.processes();
            assertThat(alive).containsKeys("jobmanager", "taskmanager-1", "taskmanager-2").doesNotContainKey("taskmanager-0");
        } catch (Throwable e) {
            printLogs(cluster.dir());
            throw e;
        } finally {
            cluster.stop(Duration.ofSeconds(20));
        }
        assertThat(cluster.processes()).isEmpty();
    }
}
