package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.distill.StudentVersion;
import dev.imed.streaming.label.TeacherLabel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure in the middle of the stream, after checkpoints: the job restarts from the last one,
 * every image is still labelled exactly once, and the student resumes from its checkpointed step.
 */
class StreamRecoveryTest {
    private static final int IMAGES = 320;
    private static final int TRAIN_BATCH = 16;
    private static final int PUBLISH_EVERY = 4;
    private static final int FAIL_AFTER = 180;

    // Static: the tap is serialised into the job, and a restart makes a new instance.
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS_SEEN = new AtomicInteger();
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @TempDir
    Path dir;

    /**
     * Passes images through, a few milliseconds each so that checkpoints fall mid-stream, and throws
     * once: at the first image past {@code failAfter} that comes after two completed checkpoints.
     * Until those have completed, images past {@code failAfter} go slower still (sleeping between
     * records, never blocking: a barrier must get through between them).
     */
    static final class FailOnce extends RichMapFunction<DecodedImage, DecodedImage> implements CheckpointListener {
        private final int failAfter;
        private transient int seen;

        FailOnce(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public void open(OpenContext context) {
            ATTEMPTS.incrementAndGet();
        }

        @Override
        public DecodedImage map(DecodedImage image) throws Exception {
            Thread.sleep(4);
            if (++seen > failAfter && !FAILED.get()) {
                if (CHECKPOINTS_SEEN.get() < 2) {
                    Thread.sleep(20);
                } else if (FAILED.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure after " + seen + " images");
                }
            }
            return image;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS_SEEN.incrementAndGet();
        }
    }

    @Test
    void aFailureMidStreamLosesAndRepeatsNothing() {
        StreamFixtures.Models models = StreamFixtures.models();
        Path input = dir.resolve("input");
        List<Path> images = StreamFixtures.exportDigits(IMAGES, input);
        StreamConfig config = StreamConfig.defaults(models.teacher(), models.student(), input, dir.resolve("out"))
                .withBatch(16, 50)
                .withDistillation(dev.imed.streaming.distill.OnlineDistillation.defaults()
                        .withBatchSize(TRAIN_BATCH).withPublishEvery(PUBLISH_EVERY).withoutGate())
                .withCheckpointInterval(150)
                .withRestarts(1, 100);

        StreamSummary summary = StreamJob.start(config,
                decoded -> decoded.map(new FailOnce(FAIL_AFTER)).name("fail once").uid("fail-once")).await();
        System.out.println(summary);

        assertThat(FAILED).as("the failure was injected").isTrue();
        assertThat(ATTEMPTS.get()).as("the tap opened once per attempt").isEqualTo(2);

        List<String> labelled = new StreamOutputs(config.out()).labels(summary.runId()).stream().map(TeacherLabel::path).toList();
        assertThat(labelled).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(images.stream().map(p -> p.toAbsolutePath().toString()).toList());

        // Every image taught the student once: the counts are those of a run without failure.
        int steps = IMAGES / TRAIN_BATCH;
        StudentRegistry registry = new StudentRegistry(config.registryDir());
        List<Manifest> manifests = new ArrayList<>();
        for (long v : registry.versions()) {
            manifests.add(Bundle.open(registry.directory(v)).manifest());
        }
        Manifest newest = manifests.get(manifests.size() - 1);
        assertThat(number(newest, "steps")).isEqualTo(steps);
        assertThat(number(newest, "imagesSeen")).isEqualTo(IMAGES);

        // Versions after the restart come from a student restored mid-way, not from step 0…
        List<Manifest> afterRestore = manifests.stream().filter(m -> number(m, "restoredFromStep") > 0).toList();
        assertThat(afterRestore).as("versions published after the restore").isNotEmpty();
        for (Manifest m : afterRestore) {
            assertThat(number(m, "steps")).isGreaterThan(number(m, "restoredFromStep"));
        }
        // …and no step count was published twice: one version per PUBLISH_EVERY steps, in order.
        List<Long> publishedSteps = manifests.stream().map(m -> number(m, "steps")).toList();
        List<Long> expected = new ArrayList<>();
        for (long s = PUBLISH_EVERY; s <= steps; s += PUBLISH_EVERY) {
            expected.add(s);
        }
        assertThat(publishedSteps).containsExactlyElementsOf(expected);
        for (int i = 1; i < manifests.size(); i++) {
            assertThat(manifests.get(i).lineage()).containsEntry("parentVersion", Long.toString(manifests.get(i - 1).version()));
        }

        // The job's own record of versions is exactly once as well.
        assertThat(summary.versions()).extracting(StudentVersion::steps).containsExactlyElementsOf(expected);
        assertThat(summary.studentSteps()).isEqualTo(steps);
    }

    private static long number(Manifest m, String key) {
        return ((Number) m.training().get(key)).longValue();
    }
}
