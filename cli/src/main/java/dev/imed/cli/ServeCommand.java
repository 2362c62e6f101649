package dev.imed.cli;

import dev.imed.deploy.InferenceServer;
import dev.imed.deploy.ServeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed serve}: the inference API over a registry's current student, reloading as the registry changes. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a registry's current student over HTTP (predict, Open Inference Protocol, metrics), with hot reload.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--registry", required = true, description = "registry directory where imed distill --publish and imed stream write students")
    Path registry;
    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}); any other needs an API key or --insecure")
    String host;
    @Option(names = "--max-batch", defaultValue = "32", description = "largest dynamic batch (default: ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--max-delay-ms", defaultValue = "2", description = "longest wait to fill a batch (default: ${DEFAULT-VALUE})")
    long maxDelayMs;
    @Option(names = "--api-key-file", description = "require the key in this file (first line) in the X-API-Key header")
    Path apiKeyFile;
    @Option(names = "--api-key", description = "require this key in X-API-Key (visible to other users in the process list: "
            + "prefer --api-key-file or the environment variable IMED_API_KEY)")
    String apiKey;
    @Option(names = "--insecure", description = "allow binding a non-loopback address without an API key")
    boolean insecure;
    @Option(names = "--allow-schema-change", description = "accept versions whose classes or input spec differ from the one serving")
    boolean allowSchemaChange;
    @Option(names = "--max-decoded-mb", defaultValue = "64",
            description = "admission: MiB of decoded images in flight; excess requests get 503 (default: ${DEFAULT-VALUE})")
    long maxDecodedMb;
    @Option(names = "--max-queued-images", defaultValue = "256",
            description = "admission: images admitted and not yet answered; excess requests get 503 (default: ${DEFAULT-VALUE})")
    int maxQueuedImages;
    @Option(names = "--max-mpx-in-flight", defaultValue = "64",
            description = "admission: mega-pixels (2^20, as declared) of large images waiting for or in decoding; "
                    + "excess requests get 503 (default: ${DEFAULT-VALUE}, four 4096² images)")
    long maxMpxInFlight;
    @Option(names = "--workers", description = "threads decoding large images (default: the number of cores, at least 2)")
    Integer workers;
    @Option(names = "--request-timeout-ms", defaultValue = "30000",
            description = "an admitted request not answered by then gets 503 and is skipped (default: ${DEFAULT-VALUE})")
    long requestTimeoutMs;
    @Option(names = "--read-timeout", defaultValue = "30", description = "seconds a client may take to send a request (default: ${DEFAULT-VALUE})")
    long readTimeout;
    @Option(names = "--idle-timeout", defaultValue = "60", description = "seconds an idle connection is kept (default: ${DEFAULT-VALUE})")
    long idleTimeout;

    /** The environment variable the key may come from when no option gives it. */
    static final String API_KEY_VARIABLE = "IMED_API_KEY";
    /** Reads environment variables; a test gives its own map instead of the process environment. */
    Function<String, String> environment = System::getenv;

    @Override
    public Integer call() throws InterruptedException {
        ServeConfig config = config();
        InferenceServer server = InferenceServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("serving " + registry + " at " + server.url() + " (model version " + server.modelVersion() + ")");
        server.awaitClose();
        return 0;
    }

    /** The configuration the options describe; bad input is an {@link IllegalArgumentException} (exit 2). */
    ServeConfig config() {
        String key = key();
        ServeConfig config = ServeConfig.defaults(registry).withHost(host).withPort(port).withBatching(maxBatch, maxDelayMs)
                .withApiKey(key).withInsecure(insecure).withAllowSchemaChange(allowSchemaChange)
                .withAdmission(maxDecodedMb << 20, maxQueuedImages, workers == null ? ServeConfig.DEFAULT_WORKERS : workers)
                .withRequestTimeoutMs(requestTimeoutMs).withTimeouts(readTimeout, idleTimeout)
                .withMaxPixelsInFlight(maxMpxInFlight << 20);
        config.checkExposure();
        return config;
    }

    /**
     * The API key: from {@code --api-key-file} (its first line) or {@code --api-key} (giving both is an
     * error), else from the environment variable {@value #API_KEY_VARIABLE}; null (no key) if none is set.
     */
    private String key() {
        if (apiKeyFile != null && apiKey != null) {
            throw new IllegalArgumentException("give the API key once: --api-key-file or --api-key, not both");
        }
        if (apiKeyFile != null) {
            String text;
            try {
                text = Files.readString(apiKeyFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": cannot read it: " + e.getMessage());
            }
            String first = text.lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw new IllegalArgumentException("--api-key-file " + apiKeyFile + ": the file is empty; its first line must hold the key");
            }
            return first;
        }
        if (apiKey != null) {
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("--api-key is empty");
            }
            return apiKey;
        }
        String env = environment.apply(API_KEY_VARIABLE);
        return env == null || env.isBlank() ? null : env.strip();
    }
}
