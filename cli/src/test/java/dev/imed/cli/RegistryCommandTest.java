package dev.imed.cli;

import static dev.imed.cli.EvaluateSuiteCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imed registry …} through the real command line on a real registry. */
class RegistryCommandTest {
    @TempDir
    Path root;

    private StudentRegistry registryWith(int versions) {
        StudentRegistry registry = new StudentRegistry(root);
        Manifest manifest = new Manifest(Manifest.FORMAT, "student", "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
        for (int i = 0; i < versions; i++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                registry.publish(manifest, Student.build("student-cnn", 256, 10, InputSpec.digits(), manager));
            }
        }
        return registry;
    }

    @Test
    void listPinRollbackUnpin() {
        StudentRegistry registry = registryWith(3);
        String dir = root.toString();

        var list = run("registry", "list", "--registry", dir);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("pointer: latest", "v000003  valid", "<- serving", "v000001  valid");

        var pin = run("registry", "pin", "1", "--registry", dir);
        assertThat(pin.code()).as(pin.err()).isZero();
        assertThat(registry.pinned()).contains(1L);
        assertThat(run("registry", "list", "--registry", dir).out()).contains("pinned to v000001", "<- serving (pinned)");

        var unpin = run("registry", "unpin", "--registry", dir);
        assertThat(unpin.code()).isZero();
        assertThat(registry.pinned()).isEmpty();

        var rollback = run("registry", "rollback", "--registry", dir);
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("rolled back from v000003 to v000002");
        assertThat(registry.pinned()).contains(2L);

        var show = run("registry", "show", "v000002", "--registry", dir);
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("v000002: valid", "\"version\" : 2");
    }

    @Test
    void badInputExitsTwoAndAFailureOne() throws Exception {
        registryWith(1);
        String dir = root.toString();

        var unknown = run("registry", "pin", "9", "--registry", dir);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("imed registry: cannot pin version 9").contains("does not exist")
                .doesNotContain("\n");
        var notAVersion = run("registry", "show", "seven", "--registry", dir);
        assertThat(notAVersion.code()).isEqualTo(2);
        assertThat(notAVersion.err()).contains("'seven' is not a version");
        var first = run("registry", "rollback", "--registry", dir);
        assertThat(first.code()).isEqualTo(2);
        assertThat(first.err()).contains("no valid version before version 1");
        var missing = run("registry", "list", "--registry", root.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such registry directory");
        assertThat(run("registry", "frobnicate", "--registry", dir).code()).isEqualTo(2);

        Files.writeString(root.resolve(StudentRegistry.POINTER), "garbage");
        var broken = run("registry", "list", "--registry", dir);
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.err()).contains("malformed pointer");
    }
}
