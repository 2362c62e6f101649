package dev.imed.deploy;

import dev.imed.model.testing.RiggedStudents;
import static dev.imed.deploy.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.model.LiveModel;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.registry.QualityGate;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A degraded candidate (its head set to always predict one class) fails the quality gate, is never
 * published, and the running server keeps serving the version it had; a sound candidate passes and is served.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QualityGateServeTest implements TestPropertyProvider {
    @TempDir
    static Path registryDir;
    @TempDir
    static Path work;
    @Inject
    @Client("/")
    HttpClient client;
    @Inject
    LiveModel live;

    @Override
    public Map<String, String> getProperties() {
        return ReloadFixture.publishAndServe(registryDir, 1);
    }

    /** A digits student bundle whose head predicts {@code onlyClass} for every image. */
    static Bundle collapsed(Path dir, int onlyClass) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ComponentNet net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            RiggedStudents.collapseHead(net, onlyClass);
            return Bundle.write(dir, TestStudents.manifest(), net);
        }
    }

    /** 64 digits labelled by the served version (standing in for the teacher). */
    static QualityGate.Window window(Path teacher) {
        InputSpec spec = InputSpec.digits();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            images.add(TestStudents.digit(i * 13));
        }
        float[] tensor = TestStudents.tensor(spec, images);
        try (Student t = Student.load(teacher); NDManager scratch = t.manager().newSubManager()) {
            long[] labels = t.logits(scratch.create(tensor, new Shape(64, 3, 28, 28))).argMax(1).toLongArray();
            int[] teacherLabels = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                teacherLabels[i] = (int) labels[i];
            }
            return new QualityGate.Window(spec, tensor, teacherLabels);
        }
    }

    @Test
    void aDegradedCandidateIsRejectedAndTheServerKeepsItsVersion() throws Exception {
        Http http = new Http(client);
        StudentRegistry registry = new StudentRegistry(registryDir);
        await(() -> live.version() == 1, "version 1 served");
        QualityGate.Window window = window(registry.directory(1));

        Bundle degraded = collapsed(work.resolve("degraded"), 4);
        QualityGate.Decision decision;
        try (Student candidate = Student.load(degraded.dir())) {
            decision = QualityGate.defaults().decide(candidate, registry, window);
        }
        assertThat(decision.accepted()).isFalse();
        // The stand-in teacher is an untrained student: when it happens to give the whole window one class
        // there is no spread to collapse from, and the agreement rule rejects instead (QualityGateTest covers each rule).
        assertThat(decision.reason()).containsAnyOf("collapsed", "agreement with the teacher");
        assertThat(decision.currentVersion()).isEqualTo(1);
        // A rejected candidate is not published: the registry and the server stay where they were.
        assertThat(registry.versions()).containsExactly(1L);
        Thread.sleep(10 * ReloadFixture.POLL_MS);
        ReloadFixture.assertServes(http, 1);

        // The served version itself passes and, published with its scores, is served next.
        Bundle sound = Bundle.open(registry.directory(1));
        try (Student candidate = Student.load(sound.dir())) {
            decision = QualityGate.defaults().decide(candidate, registry, window);
        }
        assertThat(decision.accepted()).as(decision.reason()).isTrue();
        registry.publishCopy(sound, Map.of("qualityGate", decision.asMetrics()));
        await(() -> live.version() == 2, "the accepted version to be served");
        ReloadFixture.assertServes(http, 2);
        assertThat(registry.manifest(2).orElseThrow().metrics()).containsKey("qualityGate");
    }
}
