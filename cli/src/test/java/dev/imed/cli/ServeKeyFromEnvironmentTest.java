package dev.imed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imed serve} started as its own process with the API key in its environment ({@code IMED_API_KEY})
 * and no key option: the server it starts requires that key, read from the real process environment.
 */
class ServeKeyFromEnvironmentTest {
    private static final String KEY = "key-from-the-environment";
    private static final Pattern SERVING = Pattern.compile("serving .* at (http://\\S+) ");

    @TempDir
    Path dir;

    @Test
    void aServerStartedWithTheKeyInItsEnvironmentRequiresIt() throws Exception {
        Path registry = Files.createDirectories(dir.resolve("registry"));
        publishStudent(registry);
        Process server = serve(registry);
        StringBuilder output = new StringBuilder();
        CompletableFuture<URI> url = watchOutput(server, output);
        try {
            URI base = url.get(180, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

            assertThat(get(client, base, "/v2/models/student", null).statusCode()).as("no key").isEqualTo(401);
            assertThat(get(client, base, "/v2/models/student", "not-the-key").statusCode()).as("a wrong key").isEqualTo(401);
            HttpResponse<String> metadata = get(client, base, "/v2/models/student", KEY);
            assertThat(metadata.statusCode()).as("the key from the environment").isEqualTo(200);
            assertThat(metadata.body()).contains("\"name\":\"student\"");
            assertThat(get(client, base, "/v2/health/live", null).statusCode()).as("the probes stay open").isEqualTo(200);

            HttpResponse<String> refused = client.send(predict(base, null), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            HttpResponse<String> prediction = client.send(predict(base, KEY), HttpResponse.BodyHandlers.ofString());
            assertThat(prediction.statusCode()).isEqualTo(200);
            assertThat(prediction.body()).contains("\"modelVersion\":1", "\"className\"");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        synchronized (output) {
            assertThat(output.toString()).as("the server's output does not reveal the key").doesNotContain(KEY);
        }
    }

    private static void publishStudent(Path registry) {
        Manifest manifest = new Manifest(Manifest.FORMAT, "student", "distill", Map.of("backbone", "student-cnn", "bottleneck", 256),
                DigitDomains.CLASSES, InputSpec.digits(), Map.of(), 0, "syn", "mnist5k", Map.of(), Map.of(), null, null, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            new StudentRegistry(registry).publish(manifest, Student.build("student-cnn", 256, 10, InputSpec.digits(), manager));
        }
    }

    /** {@code imed serve --registry REGISTRY --port 0} in a new JVM whose environment holds the key. */
    private static Process serve(Path registry) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-Djava.awt.headless=true"));
        if (System.getProperty("DJL_CACHE_DIR") != null) {
            command.add("-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR"));
        }
        command.addAll(List.of("-cp", classpath, Imed.class.getName(), "serve", "--registry", registry.toString(), "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("IMED_API_KEY", KEY);
        return builder.start();
    }

    /** Collects the process's output; the future completes with the URL of its "serving … at URL" line. */
    private static CompletableFuture<URI> watchOutput(Process process, StringBuilder output) {
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher serving = SERVING.matcher(line);
                    if (serving.find()) {
                        url.complete(URI.create(serving.group(1)));
                    }
                }
            } catch (java.io.IOException e) {
                // The process went away; the future below says so.
            }
            synchronized (output) {
                url.completeExceptionally(new IllegalStateException("imed serve ended without serving, exit "
                        + process.onExit().join().exitValue() + ":\n" + output));
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        return url;
    }

    private static HttpResponse<String> get(HttpClient client, URI base, String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET();
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest predict(URI base, String key) throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(DigitDomains.open("mnist5k").load(0), "png", png);
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/predict")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png.toByteArray()));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return request.build();
    }
}
