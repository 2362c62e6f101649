package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.decode.DecodedImage;
import dev.imed.streaming.distill.OnlineDistillation;
import dev.imed.streaming.label.TeacherLabel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on the stream never fails the job: images whose teacher outputs are NaN are dead letters
 * (neither labelled nor taught), and a student whose learning rate makes its loss blow up skips the
 * non-finite steps and rolls back to its last good state, while every other image is labelled once.
 */
class StreamPoisonTest {
    private static final int IMAGES = 160;

    @TempDir
    Path dir;

    /** Makes the chosen images' pixels NaN, as a corrupted record would be. */
    static final class Poison implements MapFunction<DecodedImage, DecodedImage> {
        private final Set<String> poisoned;

        Poison(Set<String> poisoned) {
            this.poisoned = poisoned;
        }

        @Override
        public DecodedImage map(DecodedImage image) {
            if (!poisoned.contains(image.path())) {
                return image;
            }
            float[] nan = new float[image.pixels().length];
            Arrays.fill(nan, Float.NaN);
            return new DecodedImage(image.path(), nan);
        }
    }

    @Test
    void nanImagesAreDeadLettersAndADivergingStudentSkipsAndRollsBack() {
        StreamFixtures.Models models = StreamFixtures.models();
        List<String> images = StreamFixtures.exportDigits(IMAGES, dir.resolve("input")).stream()
                .map(p -> p.toAbsolutePath().toString()).toList();
        Set<String> poisoned = new HashSet<>();
        for (int i = 0; i < images.size(); i += 16) {
            poisoned.add(images.get(i));
        }
        RetainingReporter.clear();
        StreamConfig config = StreamConfig.defaults(models.teacher(), models.student(), dir.resolve("input"), dir.resolve("out"))
                .withBatch(16, 50)
                // A learning rate no student survives: its loss overflows within a few steps.
                .withDistillation(OnlineDistillation.defaults().withBatchSize(4).withPublishEvery(5).withLr(1e12f))
                .withCheckpointInterval(500)
                .withRestarts(0, 0);
        for (Map.Entry<String, String> option : RetainingReporter.options().entrySet()) {
            config = config.withFlinkOption(option.getKey(), option.getValue());
        }

        StreamSummary summary = StreamJob.start(config, decoded -> decoded.map(new Poison(poisoned)).name("poison").uid("poison"))
                .await();
        System.out.println(summary);

        assertThat(summary.status()).isEqualTo("FINISHED");
        StreamOutputs outputs = new StreamOutputs(config.out());
        List<String> labelled = outputs.labels(summary.runId()).stream().map(TeacherLabel::path).toList();
        assertThat(labelled).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(images.stream().filter(p -> !poisoned.contains(p)).toList());
        assertThat(outputs.deadLetters(summary.runId())).extracting(DeadLetter::path).containsExactlyInAnyOrderElementsOf(poisoned);
        assertThat(outputs.deadLetters(summary.runId())).extracting(DeadLetter::reason).containsOnly(DeadLetter.NON_FINITE_OUTPUT);

        long skipped = RetainingReporter.values("studentStepsSkipped").stream().mapToLong(c -> (Long) c).sum();
        long rollBacks = RetainingReporter.values("studentRollBacks").stream().mapToLong(c -> (Long) c).sum();
        System.out.printf("skipped %d steps, %d roll-backs%n", skipped, rollBacks);
        assertThat(skipped).as("steps skipped for a non-finite loss").isGreaterThanOrEqualTo(10);
        assertThat(rollBacks).as("roll-backs to the last good state").isPositive();
    }
}
