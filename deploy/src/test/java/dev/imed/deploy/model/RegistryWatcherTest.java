package dev.imed.deploy.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.transform.InputSpec;
import dev.imed.deploy.TestStudents;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher with real bundles and the real loader: the schema gate, and a loop that survives errors. */
public class RegistryWatcherTest {
    @TempDir
    Path root;

    /** A student with five classes instead of ten: another schema. */
    public static void publishFiveClasses(StudentRegistry registry) {
        Manifest ten = TestStudents.manifest();
        Manifest five = new Manifest(ten.format(), ten.kind(), ten.method(), ten.architecture(), List.of("a", "b", "c", "d", "e"),
                ten.input(), ten.training(), ten.seed(), ten.source(), ten.target(), ten.metrics(), ten.lineage(), null, null, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block net = Student.build("student-cnn", 256, 5, InputSpec.digits(), manager);
            registry.publish(five, net);
        }
    }

    @Test
    void anotherSchemaIsRefusedUnlessAllowed() {
        StudentRegistry registry = new StudentRegistry(root);
        TestStudents.publish(registry);
        publishFiveClasses(registry);
        Map<RegistryWatcher.Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        try (LiveModel live = new LiveModel()) {
            RegistryWatcher strict = new RegistryWatcher(registry, live, new ModelLoader()::load, 10_000, false,
                    o -> outcomes.computeIfAbsent(o, k -> new AtomicInteger()).incrementAndGet());
            // Nothing served yet: the newest version (five classes) is the first schema and is accepted.
            strict.poll();
            assertThat(live.version()).isEqualTo(2);
            TestStudents.publish(registry); // v3: ten classes again
            strict.poll();
            assertThat(live.version()).as("ten classes after five is refused").isEqualTo(2);
            assertThat(outcomes.get(RegistryWatcher.Outcome.INCOMPATIBLE)).hasValue(1);
            strict.poll();
            assertThat(outcomes.get(RegistryWatcher.Outcome.INCOMPATIBLE)).as("refused once, not at every poll").hasValue(1);
            assertThat(strict.lastSuccessfulPollMillis()).isPositive();

            RegistryWatcher lenient = new RegistryWatcher(registry, live, new ModelLoader()::load, 10_000, true, o -> { });
            lenient.poll();
            assertThat(live.version()).as("--allow-schema-change").isEqualTo(3);
        }
    }

    @Test
    void theLoopSurvivesAnyThrowableAndKeepsPolling() throws Exception {
        StudentRegistry registry = new StudentRegistry(root);
        TestStudents.publish(registry);
        AtomicInteger calls = new AtomicInteger();
        ModelLoader real = new ModelLoader();
        RegistryWatcher.Loader flaky = (version, dir) -> {
            if (calls.incrementAndGet() <= 2) {
                throw new StackOverflowError("a loader error (injected)");
            }
            return real.load(version, dir);
        };
        try (LiveModel live = new LiveModel(); RegistryWatcher watcher = new RegistryWatcher(registry, live, flaky, 20, false, o -> { })) {
            watcher.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (live.version() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(live.version()).as("served once the loader stops failing").isEqualTo(1);
            assertThat(calls.get()).isGreaterThanOrEqualTo(3);
            long polled = watcher.lastSuccessfulPollMillis();
            assertThat(polled).isPositive();
            while (watcher.lastSuccessfulPollMillis() == polled && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(watcher.lastSuccessfulPollMillis()).as("still polling").isGreaterThan(polled);
        }
    }
}
