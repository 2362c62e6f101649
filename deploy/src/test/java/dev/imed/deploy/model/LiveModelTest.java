package dev.imed.deploy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.core.bundle.Bundle;
import dev.imed.deploy.TestStudents;
import dev.imed.model.registry.StudentRegistry;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A swapped-out model stays open for the requests holding it and closes after the last one. */
class LiveModelTest {

    @Test
    void aReplacedModelClosesOnlyWhenItsLastUserReleasesIt(@TempDir Path registryDir) {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Path v1 = TestStudents.publish(registry).dir();
        Path v2 = TestStudents.publish(registry).dir();
        ModelLoader loader = new ModelLoader();
        try (LiveModel live = new LiveModel()) {
            assertThat(live.acquire()).isEmpty();
            ServedModel first = loader.load(1, v1);
            live.swap(first);
            ServedModel inFlight = live.acquire().orElseThrow();

            ServedModel second = loader.load(2, v2);
            live.swap(second);
            assertThat(live.version()).isEqualTo(2);
            assertThat(first.isClosed()).as("a request still holds version 1").isFalse();
            assertThat(inFlight.student().classNames()).hasSize(10);

            inFlight.release();
            assertThat(first.isClosed()).isTrue();
            ServedModel now = live.acquire().orElseThrow();
            assertThat(now).isSameAs(second);
            now.release();
        }
    }

    @Test
    void theLoaderRefusesACorruptBundleAndAVersionMismatch(@TempDir Path registryDir) throws Exception {
        StudentRegistry registry = new StudentRegistry(registryDir);
        Path v1 = TestStudents.publish(registry).dir();
        ModelLoader loader = new ModelLoader();
        assertThatThrownBy(() -> loader.load(7, v1)).isInstanceOf(ModelRejected.class)
                .hasMessageContaining("manifest says version 1");
        try (RandomAccessFile weights = new RandomAccessFile(v1.resolve(Bundle.WEIGHTS).toFile(), "rw")) {
            weights.seek(100);
            weights.write(0x5a);
        }
        assertThatThrownBy(() -> loader.load(1, v1)).isInstanceOf(ModelRejected.class).hasMessageContaining("checksum");
    }
}
