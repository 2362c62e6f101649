package dev.imed.model.registry;

import dev.imed.model.testing.RiggedStudents;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.Domain;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate on real students and real digit images; the "teacher" labels are one student's own predictions. */
class QualityGateTest {
    @TempDir
    Path dir;

    /** A student bundle: freshly initialised, or with its head set to always predict {@code onlyClass} (≥ 0). */
    static Bundle student(Path dir, long seed, int onlyClass) {
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            if (onlyClass >= 0) {
                RiggedStudents.collapseHead(net, onlyClass);
            }
            return Bundle.write(dir, StudentRegistryTest.manifest(), net);
        }
    }

    /** {@code n} mnist5k digits, labelled by {@code teacher}'s predictions. */
    static QualityGate.Window window(Path teacher, int n) {
        Domain digits = DigitDomains.open("mnist5k");
        InputSpec spec = InputSpec.digits();
        float[] images = new float[n * spec.pixelsPerImage()];
        for (int i = 0; i < n; i++) {
            spec.toTensor(digits.load(i), spec.evalTransforms(), new Random(0), images, i * spec.pixelsPerImage());
        }
        try (Student t = Student.load(teacher); NDManager scratch = t.manager().newSubManager()) {
            long[] predicted = t.logits(scratch.create(images, new Shape(n, 3, spec.height(), spec.width()))).argMax(1).toLongArray();
            return new QualityGate.Window(spec, images, Arrays.stream(predicted).mapToInt(p -> (int) p).toArray());
        }
    }

    @Test
    void aCollapsedCandidateIsRejectedAndAGoodOnePasses() {
        Path teacher = student(dir.resolve("teacher"), 1, -1).dir();
        QualityGate.Window window = window(teacher, 128);
        assertThat(QualityGate.entropy(window.teacherLabels(), 10)).as("the labels use several classes").isGreaterThan(0.3);
        QualityGate gate = QualityGate.defaults();

        try (Student same = Student.load(teacher); Student collapsed = Student.load(student(dir.resolve("one"), 2, 3).dir())) {
            QualityGate.Decision good = gate.decide(same, Optional.empty(), 0, window);
            assertThat(good.accepted()).as(good.reason()).isTrue();
            assertThat(good.candidate().agreement()).isEqualTo(100.0);
            assertThat(good.asMetrics()).containsEntry("accepted", true).containsKeys("agreement", "entropy", "entropyRatio");

            QualityGate.Decision bad = gate.decide(collapsed, Optional.of(same), 1, window);
            assertThat(bad.accepted()).isFalse();
            assertThat(bad.candidate().entropy()).isZero();
            assertThat(bad.reason()).startsWith("collapsed");
            assertThat(bad.asMetrics()).containsEntry("currentVersion", 1L).containsEntry("currentAgreement", 100.0);
        }
    }

    @Test
    void aDropInAgreementBeyondEpsilonIsRejected() {
        Path teacher = student(dir.resolve("teacher"), 1, -1).dir();
        QualityGate.Window window = window(teacher, 128);
        try (Student current = Student.load(teacher); Student other = Student.load(student(dir.resolve("other"), 7, -1).dir())) {
            QualityGate.Decision strict = QualityGate.defaults().decide(other, Optional.of(current), 4, window);
            assertThat(strict.candidate().agreement()).isLessThan(99.0);
            if (strict.candidate().entropy() >= 0.5 * strict.teacherEntropy()) {
                assertThat(strict.reason()).contains("more than 1.00 points below version 4's 100.00 %");
            }
            assertThat(strict.accepted()).isFalse();
            QualityGate.Decision lenient = new QualityGate(100, 0).decide(other, Optional.of(current), 4, window);
            assertThat(lenient.accepted()).as(lenient.reason()).isTrue();
        }
    }

    @Test
    void aWindowTooSmallToJudgeRejects() {
        Path teacher = student(dir.resolve("teacher"), 1, -1).dir();
        try (Student same = Student.load(teacher)) {
            QualityGate.Decision d = QualityGate.defaults().decide(same, Optional.empty(), 0, window(teacher, 8));
            assertThat(d.accepted()).isFalse();
            assertThat(d.reason()).contains("has 8 images, at least 32");
        }
    }
}
