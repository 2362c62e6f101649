package dev.imed.streaming.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.student.Student;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online student's state must survive a checkpoint whole: a restored student that takes the same
 * step as the original ends with the same weights, which it cannot without the optimiser's momentum.
 */
class OnlineStudentTest {
    private static final int N = 8;
    private static final int CLASSES = 10;

    @TempDir
    static Path dir;
    static Bundle bundle;

    @BeforeAll
    static void untrainedStudentBundle() {
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            InputSpec spec = InputSpec.digits();
            ComponentNet net = Student.build("student-cnn", ComponentNet.BOTTLENECK, CLASSES, spec, manager);
            Manifest manifest = new Manifest(Manifest.FORMAT, Student.KIND, "test",
                    Map.of("backbone", "student-cnn", "bottleneck", ComponentNet.BOTTLENECK), DigitDomains.CLASSES, spec,
                    Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
            bundle = Bundle.write(dir.resolve("student"), manifest, net);
        }
    }

    /** A batch of real digits with made-up teacher outputs (a fixed random "teacher"). */
    private static float[][] batch(int offset) {
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        InputSpec spec = InputSpec.digits();
        float[] images = new float[N * spec.pixelsPerImage()];
        for (int i = 0; i < N; i++) {
            spec.toTensor(mnist.load((offset + i) * 97 % mnist.size()), spec.evalTransforms(), new Random(0), images,
                    i * spec.pixelsPerImage());
        }
        Random random = new Random(offset);
        float[] features = new float[N * ComponentNet.BOTTLENECK];
        float[] logits = new float[N * CLASSES];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] = 3 * random.nextFloat();
        }
        return new float[][] {images, features, logits};
    }

    private static List<float[]> weights(OnlineStudent student) {
        List<float[]> all = new ArrayList<>();
        for (Pair<String, Parameter> p : student.network().getParameters()) {
            NDArray array = p.getValue().getArray();
            all.add(array.toFloatArray());
        }
        return all;
    }

    @Test
    void aRestoredStudentContinuesExactlyWhereItsSnapshotWas() {
        OnlineDistillation settings = OnlineDistillation.defaults().withBatchSize(N);
        float[][] first = batch(0);
        float[][] second = batch(1);
        float[][] third = batch(2);
        try (OnlineStudent original = OnlineStudent.start(bundle, settings, ComponentNet.BOTTLENECK)) {
            original.train(first[0], first[1], first[2], N);
            original.train(second[0], second[1], second[2], N);
            byte[] snapshot = original.snapshot();
            OnlineStudent.StepResult step = original.train(third[0], third[1], third[2], N);
            assertThat(step.images()).isEqualTo(N);
            assertThat(step.loss()).isFinite().isPositive();

            try (OnlineStudent restored = OnlineStudent.restore(bundle, settings, ComponentNet.BOTTLENECK, snapshot)) {
                assertThat(restored.steps()).isEqualTo(2);
                assertThat(restored.imagesSeen()).isEqualTo(2L * N);
                assertThat(restored.restoredFromStep()).isEqualTo(2);
                restored.train(third[0], third[1], third[2], N);
                assertThat(restored.steps()).isEqualTo(original.steps()).isEqualTo(3);
                List<float[]> a = weights(original);
                List<float[]> b = weights(restored);
                for (int i = 0; i < a.size(); i++) {
                    assertThat(b.get(i)).containsExactly(a.get(i), org.assertj.core.data.Offset.offset(1e-5f));
                }
            }

        }
    }

    @Test
    void aProjectionBridgesAWiderTeacherAndIsPartOfTheSnapshot() {
        OnlineDistillation settings = OnlineDistillation.defaults().withBatchSize(N);
        float[][] b = batch(3);
        float[] wideFeatures = new float[N * 512];
        System.arraycopy(b[1], 0, wideFeatures, 0, b[1].length);
        try (OnlineStudent student = OnlineStudent.start(bundle, settings, 512)) {
            student.train(b[0], wideFeatures, b[2], N);
            byte[] snapshot = student.snapshot();
            try (OnlineStudent restored = OnlineStudent.restore(bundle, settings, 512, snapshot)) {
                assertThat(restored.steps()).isEqualTo(1);
            }
            // A snapshot with a projection does not fit a student without one.
            assertThatThrownBy(() -> OnlineStudent.restore(bundle, settings, ComponentNet.BOTTLENECK, snapshot))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("512");
        }
    }

    @Test
    void aNonFiniteLossIsSkippedWithoutTouchingTheWeights() {
        OnlineDistillation settings = OnlineDistillation.defaults().withBatchSize(N);
        float[][] good = batch(4);
        float[][] poisoned = batch(5);
        poisoned[2][3] = Float.NaN; // one teacher logit of one image
        try (OnlineStudent student = OnlineStudent.start(bundle, settings, ComponentNet.BOTTLENECK)) {
            student.train(good[0], good[1], good[2], N);
            List<float[]> before = weights(student);
            OnlineStudent.StepResult step = student.train(poisoned[0], poisoned[1], poisoned[2], N);
            assertThat(step.skipped()).isTrue();
            assertThat(step.loss()).isNaN();
            assertThat(student.steps()).isEqualTo(1);
            assertThat(student.imagesSeen()).isEqualTo(N);
            assertThat(student.skippedSteps()).isEqualTo(1);
            List<float[]> after = weights(student);
            for (int i = 0; i < before.size(); i++) {
                assertThat(after.get(i)).containsExactly(before.get(i));
            }
            // The next good batch trains as usual, from the same weights.
            OnlineStudent.StepResult next = student.train(good[0], good[1], good[2], N);
            assertThat(next.skipped()).isFalse();
            assertThat(next.loss()).isFinite();
            assertThat(student.steps()).isEqualTo(2);
        }
    }

    @Test
    void weightsGoneBadAreRolledBackToTheLastGoodStateAndTheCountsGoOn() {
        OnlineDistillation settings = OnlineDistillation.defaults().withBatchSize(N);
        float[][] good = batch(6);
        try (OnlineStudent student = OnlineStudent.start(bundle, settings, ComponentNet.BOTTLENECK)) {
            for (int i = 0; i < OnlineStudent.GOOD_STATE_EVERY; i++) {
                assertThat(student.train(good[0], good[1], good[2], N).skipped()).isFalse();
            }
            List<float[]> good20 = weights(student);
            // Every step from here on poisons: an infinite weight makes every loss NaN.
            NDArray w = student.network().getParameters().get(0).getValue().getArray();
            float[] values = w.toFloatArray();
            values[0] = Float.POSITIVE_INFINITY;
            w.set(values);
            for (int i = 1; i < OnlineStudent.MAX_CONSECUTIVE_SKIPPED; i++) {
                OnlineStudent.StepResult r = student.train(good[0], good[1], good[2], N);
                assertThat(r.skipped()).isTrue();
                assertThat(r.rolledBack()).isFalse();
            }
            OnlineStudent.StepResult last = student.train(good[0], good[1], good[2], N);
            assertThat(last.skipped()).isTrue();
            assertThat(last.rolledBack()).isTrue();
            assertThat(student.rollBacks()).isEqualTo(1);
            assertThat(student.skippedSteps()).isEqualTo(OnlineStudent.MAX_CONSECUTIVE_SKIPPED);
            List<float[]> back = weights(student);
            for (int i = 0; i < back.size(); i++) {
                assertThat(back.get(i)).containsExactly(good20.get(i));
            }
            // Training goes on from the good state; the step counter never went back.
            OnlineStudent.StepResult next = student.train(good[0], good[1], good[2], N);
            assertThat(next.skipped()).isFalse();
            assertThat(next.loss()).isFinite();
            assertThat(student.steps()).isEqualTo(OnlineStudent.GOOD_STATE_EVERY + 1);
            // The counts are part of the snapshot.
            try (OnlineStudent restored = OnlineStudent.restore(bundle, settings, ComponentNet.BOTTLENECK, student.snapshot())) {
                assertThat(restored.skippedSteps()).isEqualTo(OnlineStudent.MAX_CONSECUTIVE_SKIPPED);
                assertThat(restored.rollBacks()).isEqualTo(1);
            }
        }
    }

    @Test
    void garbageIsNotASnapshot() {
        assertThatThrownBy(() -> OnlineStudent.restore(bundle, OnlineDistillation.defaults(), ComponentNet.BOTTLENECK,
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("not an online student snapshot");
    }
}
