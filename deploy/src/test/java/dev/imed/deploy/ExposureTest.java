package dev.imed.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imed.model.registry.StudentRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding beyond loopback needs an API key (or --insecure), and idle or stalled connections are closed. */
class ExposureTest {
    @TempDir
    Path registryDir;

    @Test
    void aNonLoopbackAddressWithoutAKeyIsRefusedUnlessInsecure() throws Exception {
        TestStudents.publish(new StudentRegistry(registryDir));
        ServeConfig open = ServeConfig.defaults(registryDir).withPort(0).withHost("0.0.0.0").withPollMs(60_000);
        assertThatThrownBy(() -> InferenceServer.start(open)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refusing to serve on 0.0.0.0 without an API key").hasMessageContaining("--insecure");
        // Loopback needs no key, by name or by address.
        ServeConfig.defaults(registryDir).withHost("localhost").checkExposure();
        ServeConfig.defaults(registryDir).withHost("::1").checkExposure();

        try (InferenceServer insecure = InferenceServer.start(open.withInsecure(true))) {
            assertThat(get(insecure.url(), "/v2/models/student", null)).isEqualTo(200);
        }
        try (InferenceServer keyed = InferenceServer.start(open.withApiKey("s3cret"))) {
            assertThat(get(keyed.url(), "/v2/models/student", null)).isEqualTo(401);
            assertThat(get(keyed.url(), "/v2/models/student", "s3cret")).isEqualTo(200);
        }
    }

    @Test
    void idleAndStalledConnectionsAreClosedByTheServer() throws Exception {
        TestStudents.publish(new StudentRegistry(registryDir));
        ServeConfig config = ServeConfig.defaults(registryDir).withPort(0).withPollMs(60_000).withTimeouts(1, 1);
        assertThat(config.micronautProperties()).containsEntry("micronaut.server.read-timeout", 1L)
                .containsEntry("micronaut.server.idle-timeout", "1s");
        try (InferenceServer server = InferenceServer.start(config)) {
            // A client that sends half a request line and then nothing: the server closes the connection.
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 30_000);
                socket.setSoTimeout(120_000);
                OutputStream out = socket.getOutputStream();
                out.write("POST /v1/predict HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[4096];
                int read;
                do {
                    read = in.read(buffer);
                } while (read > 0);
                assertThat(read).as("the server closed the stalled connection").isEqualTo(-1);
            }
            // And one that says nothing at all.
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 30_000);
                socket.setSoTimeout(120_000);
                assertThat(socket.getInputStream().read()).as("the server closed the idle connection").isEqualTo(-1);
            }
        }
    }

    private static int get(URI base, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
