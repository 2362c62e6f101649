package dev.imed.streaming.distill;

import dev.imed.model.testing.RiggedStudents;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.data.InMemoryDomain;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream's publisher runs the quality gate: a degraded online student (its head set to predict one
 * class) is not published and the registry keeps its versions; a sound one is published with its scores.
 * The "teacher" labels of the window are the published version's own predictions.
 */
class StudentPublisherGateTest {
    private static final int WINDOW = 96;

    @TempDir
    Path dir;

    private static Manifest manifest() {
        return new Manifest(Manifest.FORMAT, Student.KIND, "test",
                Map.of("backbone", "student-cnn", "bottleneck", ComponentNet.BOTTLENECK), DigitDomains.CLASSES,
                InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
    }

    private static Bundle bundle(Path at, int seed, int onlyClass) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = Student.build("student-cnn", ComponentNet.BOTTLENECK, 10, InputSpec.digits(), manager);
            if (onlyClass >= 0) {
                RiggedStudents.collapseHead(net, onlyClass);
            }
            return Bundle.write(at, manifest(), net);
        }
    }

    /** Recent digits with the logits of {@code teacher} for them. */
    private static HeldOutWindow window(Path teacher) {
        InMemoryDomain mnist = DigitDomains.open("mnist5k");
        InputSpec spec = InputSpec.digits();
        HeldOutWindow window = new HeldOutWindow(WINDOW);
        try (Student t = Student.load(teacher); NDManager scratch = t.manager().newSubManager()) {
            for (int i = 0; i < WINDOW; i++) {
                float[] image = new float[spec.pixelsPerImage()];
                spec.toTensor(mnist.load(i * 31), spec.evalTransforms(), new Random(0), image, 0);
                float[] logits = t.logits(scratch.create(image, new Shape(1, 3, 28, 28))).toFloatArray();
                window.add(image, logits);
            }
        }
        return window;
    }

    @Test
    void aDegradedStudentIsNotPublishedAndASoundOneIs() {
        StudentRegistry registry = new StudentRegistry(dir.resolve("registry"));
        Bundle good = bundle(dir.resolve("good"), 3, -1);
        registry.publishCopy(good);
        HeldOutWindow window = window(registry.directory(1));
        OnlineDistillation settings = OnlineDistillation.defaults();

        Bundle degraded = bundle(dir.resolve("degraded"), 4, 7);
        try (OnlineStudent collapsed = OnlineStudent.start(degraded, settings, ComponentNet.BOTTLENECK)) {
            StudentPublisher publisher = new StudentPublisher(registry.root(), degraded, "run-1", "mnist5k", settings);
            Optional<StudentVersion> outcome = publisher.publish(collapsed, "sha", 0.1, 1.0, window);
            assertThat(outcome).as("the degraded student is rejected").isEmpty();
        }
        assertThat(registry.versions()).containsExactly(1L);

        try (OnlineStudent sound = OnlineStudent.start(good, settings, ComponentNet.BOTTLENECK)) {
            StudentPublisher publisher = new StudentPublisher(registry.root(), good, "run-2", "mnist5k", settings);
            Optional<StudentVersion> outcome = publisher.publish(sound, "sha", 0.9, 1.0, window);
            assertThat(outcome).isPresent();
            assertThat(outcome.get().version()).isEqualTo(2);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> gate = (Map<String, Object>) Bundle.open(registry.directory(2)).manifest().metrics().get("qualityGate");
        assertThat(gate).containsEntry("accepted", true).containsEntry("agreement", 100.0).containsEntry("currentVersion", 1)
                .containsEntry("windowImages", WINDOW);
    }
}
