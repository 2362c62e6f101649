package dev.imed.cli;

import static dev.imed.cli.EvaluateSuiteCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.deploy.ServeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code imed serve}'s exposure and key options; failures are exit 2 with one line naming the problem. */
class ServeCommandTest {
    @TempDir
    Path dir;

    private ServeConfig config(String... args) {
        return config(Map.of(), args);
    }

    /** The configuration of {@code imed serve ARGS} in a process whose environment is {@code environment}. */
    private ServeConfig config(Map<String, String> environment, String... args) {
        ServeCommand command = new ServeCommand();
        command.environment = environment::get;
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    @Test
    void theKeyComesFromAFileAndExposureNeedsOne() throws Exception {
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "  s3cret \nignored second line\n");
        ServeConfig keyed = config("--registry", dir.toString(), "--host", "0.0.0.0", "--api-key-file", keyFile.toString());
        assertThat(keyed.apiKey()).isEqualTo("s3cret");
        assertThat(keyed.readTimeoutSeconds()).isEqualTo(30);
        assertThat(keyed.idleTimeoutSeconds()).isEqualTo(60);
        assertThat(config("--registry", dir.toString(), "--host", "0.0.0.0", "--insecure").apiKey()).isNull();
        assertThat(config("--registry", dir.toString(), "--allow-schema-change", "--max-queued-images", "7", "--max-decoded-mb", "9")
                .maxQueuedImages()).isEqualTo(7);
        assertThatThrownBy(() -> config("--registry", dir.toString(), "--api-key-file", keyFile.toString(), "--api-key", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }

    @Test
    void theKeyComesFromTheEnvironmentWhenNoOptionGivesItAndAnOptionWins() throws Exception {
        Map<String, String> environment = Map.of("IMED_API_KEY", " from-env \n");
        Path keyFile = Files.writeString(dir.resolve("key"), "from-file\n");
        assertThat(config(environment, "--registry", dir.toString(), "--host", "0.0.0.0").apiKey()).isEqualTo("from-env");
        assertThat(config(environment, "--registry", dir.toString(), "--api-key-file", keyFile.toString()).apiKey())
                .isEqualTo("from-file");
        assertThat(config(environment, "--registry", dir.toString(), "--api-key", "from-option").apiKey()).isEqualTo("from-option");
        assertThat(config(Map.of("IMED_API_KEY", "  "), "--registry", dir.toString()).apiKey()).as("a blank variable is no key").isNull();
        assertThatThrownBy(() -> config(Map.of("IMED_API_KEY", " "), "--registry", dir.toString(), "--host", "0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without an API key");
    }

    @Test
    void badInputExitsTwoNamingTheProblem() throws Exception {
        var open = run("serve", "--registry", dir.toString(), "--host", "0.0.0.0");
        assertThat(open.code()).isEqualTo(2);
        assertThat(open.err()).contains("refusing to serve on 0.0.0.0 without an API key", "--insecure");

        var missing = run("serve", "--registry", dir.toString(), "--api-key-file", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--api-key-file", "cannot read it");

        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        var blank = run("serve", "--registry", dir.toString(), "--api-key-file", empty.toString());
        assertThat(blank.code()).isEqualTo(2);
        assertThat(blank.err()).contains("the file is empty");

        var noRegistry = run("serve", "--registry", dir.resolve("none").toString());
        assertThat(noRegistry.code()).isEqualTo(2);
        assertThat(noRegistry.err()).contains("does not exist");
    }
}
