package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configuration survives the trip through the context's properties, which both servers and tests use. */
class ServeConfigTest {

    @Test
    void theContextPropertiesDescribeTheConfigurationExactly() {
        ServeConfig config = ServeConfig.defaults(Path.of("some", "registry")).withHost("0.0.0.0").withPort(9123)
                .withBatching(16, 7).withLimits(1 << 20, 4096).withApiKey("k").withPollMs(250).withModelName("digits-v2")
                .withAllowSchemaChange(true).withAdmission(32L << 20, 40, 3).withRequestTimeoutMs(1234).withInsecure(true)
                .withTimeouts(5, 7);
        Map<String, String> properties = TestStudents.properties(config);
        assertThat(ServeConfig.fromProperties(properties::get)).isEqualTo(config);
        assertThat(properties).containsEntry("micronaut.server.port", "9123").containsEntry("micronaut.server.max-request-size", "1048576")
                .containsEntry("micronaut.server.read-timeout", "5").containsEntry("micronaut.server.idle-timeout", "7s");

        ServeConfig defaults = ServeConfig.defaults(Path.of("r"));
        assertThat(ServeConfig.fromProperties(TestStudents.properties(defaults)::get)).isEqualTo(defaults);
        assertThat(TestStudents.properties(defaults)).doesNotContainKey(ServeConfig.PREFIX + "api-key");
    }

    @Test
    void missingOrMalformedPropertiesAreNamed() {
        assertThatThrownBy(() -> ServeConfig.fromProperties(name -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imed.serve.registry is not set");
        Map<String, String> properties = new HashMap<>(Map.of("imed.serve.registry", "r", "imed.serve.max-batch", "lots"));
        assertThatThrownBy(() -> ServeConfig.fromProperties(properties::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imed.serve.max-batch").hasMessageContaining("lots");
        properties.put("imed.serve.max-batch", "0");
        assertThatThrownBy(() -> ServeConfig.fromProperties(properties::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch must be at least 1");
    }
}
