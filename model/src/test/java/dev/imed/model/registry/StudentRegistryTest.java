package dev.imed.model.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.student.Student;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudentRegistryTest {
    @TempDir
    Path root;

    static Manifest manifest() {
        return new Manifest(Manifest.FORMAT, "student", "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
    }

    static Bundle publish(StudentRegistry registry) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 256, 10, InputSpec.digits(), manager);
            return registry.publish(manifest(), net);
        }
    }

    @Test
    void concurrentPublishersNeverLoseOrShareAVersion() throws Exception {
        int publishers = 3;
        int each = 4;
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        CountDownLatch start = new CountDownLatch(1);
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                // Each publisher its own instance: nothing is shared but the directory, as between processes.
                StudentRegistry mine = new StudentRegistry(root);
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        published.add(publish(mine).manifest().version());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        StudentRegistry registry = new StudentRegistry(root);
        assertThat(published).hasSize(publishers * each).doesNotHaveDuplicates();
        assertThat(registry.versions()).containsExactlyInAnyOrderElementsOf(published);
        for (long v : registry.versions()) {
            assertThat(registry.problem(v)).as("version " + v).isEmpty();
            assertThat(Bundle.open(registry.directory(v)).manifest().version()).isEqualTo(v);
        }
        assertThat(registry.staleStaging()).isEmpty();
    }

    @Test
    void aCrashBeforeTheRenameLeavesNoVisibleVersion() throws Exception {
        StudentRegistry registry = new StudentRegistry(root);
        publish(registry);
        publish(registry);
        // A publisher killed after claiming v3 and writing part of it: a claim and a hidden staging directory.
        Files.createFile(root.resolve(StudentRegistry.CLAIMS).resolve("v000003"));
        Path staging = Files.createDirectory(root.resolve(".v000003.staging-123"));
        Files.writeString(staging.resolve(Bundle.MANIFEST), "{\"format\": 1, \"kind\": \"stud");
        // An older, non-atomic writer's leftover: a visible version with truncated weights.
        Path partial = publish(new StudentRegistry(root)).dir();
        try (RandomAccessFile weights = new RandomAccessFile(partial.resolve(Bundle.WEIGHTS).toFile(), "rw")) {
            weights.setLength(weights.length() / 2);
        }

        assertThat(registry.versions()).containsExactly(1L, 2L, 4L);
        assertThat(registry.problem(4)).get().asString().contains("checksum");
        assertThat(registry.newestValid()).contains(2L);
        assertThat(registry.serving()).contains(2L);
        assertThat(registry.staleStaging()).containsExactly(staging);

        Bundle next = publish(registry);
        assertThat(next.manifest().version()).isEqualTo(5);
        assertThat(next.manifest().lineage()).containsEntry("parentVersion", "4");
        assertThat(registry.newestValid()).contains(5L);
    }

    @Test
    void pinUnpinAndRollback() {
        StudentRegistry registry = new StudentRegistry(root);
        for (int i = 0; i < 3; i++) {
            publish(registry);
        }
        assertThat(registry.pinned()).isEmpty();
        assertThat(registry.serving()).contains(3L);

        assertThat(registry.rollback()).isEqualTo(2);
        assertThat(registry.pinned()).contains(2L);
        assertThat(registry.rollback()).isEqualTo(1);
        assertThat(registry.serving()).contains(1L);
        assertThatThrownBy(registry::rollback).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no valid version before version 1");

        publish(registry);
        assertThat(registry.serving()).as("a pin holds when new versions land").contains(1L);
        registry.unpin();
        assertThat(registry.pinned()).isEmpty();
        assertThat(registry.serving()).contains(4L);

        assertThatThrownBy(() -> registry.pin(9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9 does not exist");
        registry.pin(3);
        assertThat(registry.pinned()).contains(3L);
    }

    @Test
    void aMalformedPointerIsAnErrorNamingTheFile() throws Exception {
        StudentRegistry registry = new StudentRegistry(root);
        publish(registry);
        Files.writeString(root.resolve(StudentRegistry.POINTER), "seven\n");
        assertThatThrownBy(registry::pinned).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(root.resolve("current").toString()).hasMessageContaining("malformed pointer 'seven'");
    }
}
