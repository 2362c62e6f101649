package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.streaming.distill.OnlineDistillation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online distillation helps: a source-only student that learns from the teacher on a stream of
 * target images is more accurate on the target afterwards. Two bounded runs, the second starting
 * from the registry's newest version, as a restarted {@code imed stream} would.
 */
class StreamAdaptationTest {
    private static final int IMAGES = 1500;

    @TempDir
    Path dir;

    @Test
    void theStudentLearnsTheTargetFromTheTeacher() {
        StreamFixtures.Models models = StreamFixtures.models();
        Path input = dir.resolve("mnist");
        StreamFixtures.exportDigits(IMAGES, input);
        Path registry = dir.resolve("students");
        StreamConfig first = StreamConfig.defaults(models.teacher(), models.student(), input, dir.resolve("out"))
                .withRegistry(registry)
                .withBatch(32, 100)
                .withDistillation(OnlineDistillation.defaults().withBatchSize(32).withPublishEvery(20).withoutGate())
                .withCheckpointInterval(1000);

        StreamSummary pass1 = StreamJob.run(first);
        // The second pass continues from the newest version: --student may name a registry.
        StreamSummary pass2 = StreamJob.run(first.withStudent(registry));

        double before = StreamFixtures.studentAccuracy(models.student());
        double teacher = StreamFixtures.teacherAccuracy(models.teacher());
        Path newest = Path.of(pass2.latestStudent());
        double after = StreamFixtures.studentAccuracy(newest);
        Manifest manifest = Bundle.open(newest).manifest();
        System.out.printf("mnist5k accuracy: source-only student %.1f%%, after streaming %d images twice %.1f%%, teacher %.1f%%%n",
                before, IMAGES, after, teacher);
        System.out.println("pass 1: " + pass1);
        System.out.println("pass 2: " + pass2);

        assertThat(pass1.labelled()).isEqualTo(IMAGES);
        assertThat(pass2.labelled()).isEqualTo(IMAGES);
        assertThat(pass1.studentSteps()).isEqualTo(IMAGES / 32 + 1);
        assertThat(manifest.lineage()).containsKeys("teacher", "startingStudent", "parentVersion");
        assertThat(manifest.lineage().get("startingStudent"))
                .as("the second pass started from the first pass's newest version")
                .isEqualTo(Bundle.open(Path.of(pass1.latestStudent())).sha256());
        assertThat(after).as("accuracy after streaming").isGreaterThan(before + 3);
    }
}
