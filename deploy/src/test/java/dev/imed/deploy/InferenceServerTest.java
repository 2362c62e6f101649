package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.model.registry.StudentRegistry;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InferenceServer#start} and {@link InferenceServer#close}, as {@code imed serve} calls them.
 * Not a {@code @MicronautTest}: the subject is the server's own start and stop outside any test
 * framework, which the API tests' injected contexts do not go through.
 */
class InferenceServerTest {

    @Test
    void startServesTheNewestVersionAtItsUrlAndCloseStopsIt(@TempDir Path registryDir) throws Exception {
        TestStudents.publish(new StudentRegistry(registryDir));
        InferenceServer server = InferenceServer.start(ServeConfig.defaults(registryDir).withPort(0).withPollMs(60_000));
        int port = server.port();
        DefaultHttpClientConfiguration clientConfig = new DefaultHttpClientConfiguration();
        clientConfig.setReadTimeout(Duration.ofSeconds(60));
        try (HttpClient client = HttpClient.create(server.url().toURL(), clientConfig)) {
            assertThat(server.modelVersion()).isEqualTo(1);
            assertThat(server.config().registry()).isEqualTo(registryDir.toAbsolutePath().normalize());
            ReloadFixture.assertServes(new Http(client), 1);
        } finally {
            server.close();
        }
        server.close();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens after close").isInstanceOf(IOException.class);
    }

    @Test
    void aMissingRegistryDirectoryFailsAtStart(@TempDir Path parent) {
        Path missing = parent.resolve("no-such-registry");
        assertThatThrownBy(() -> InferenceServer.start(ServeConfig.defaults(missing).withPort(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist").hasMessageContaining("no-such-registry");
    }
}
