package dev.imed.deploy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * How {@link InferenceServer} serves a student registry.
 *
 * @param registry the registry directory ({@code v000001/}, {@code v000002/}, …) that is watched for new versions
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port, or 0 for any free one
 * @param maxBatch the most images one forward pass takes
 * @param maxDelayMs how long the first request of a batch may wait for others to join it
 * @param maxRequestBytes the largest request body accepted (and the largest uploaded file)
 * @param maxPixels the largest image accepted, in width × height, checked before decoding
 * @param apiKey the value every request must carry in {@code X-API-Key}, or {@code null} for none
 * @param pollMs how often the registry is checked for a new version
 * @param modelName the name of the model in the Open Inference Protocol routes
 * @param allowSchemaChange whether a version with other classes or another input spec than the one serving may replace it
 * @param maxDecodedBytes admission: the most bytes of decoded images (4 per pixel, after subsampling) in flight at once
 * @param maxQueuedImages admission: the most images admitted and not yet answered (being decoded or waiting for a batch)
 * @param workers the threads that decode large images and parse large JSON bodies
 * @param requestTimeoutMs how long an admitted request may wait for its result; later ones are skipped by the batcher (503)
 * @param insecure whether a non-loopback address may be bound without an API key
 * @param readTimeoutSeconds how long a connection may take to send a request
 * @param idleTimeoutSeconds how long an idle keep-alive connection is kept open
 * @param maxPixelsInFlight admission: the most pixels, as their headers declare them, of large images waiting for
 *        or in decoding: decoding time grows with them (subsampling saves memory, not work), so this bounds how
 *        long an admitted request waits for a worker
 */
public record ServeConfig(
        Path registry,
        String host,
        int port,
        int maxBatch,
        long maxDelayMs,
        long maxRequestBytes,
        long maxPixels,
        String apiKey,
        long pollMs,
        String modelName,
        boolean allowSchemaChange,
        long maxDecodedBytes,
        int maxQueuedImages,
        int workers,
        long requestTimeoutMs,
        boolean insecure,
        long readTimeoutSeconds,
        long idleTimeoutSeconds,
        long maxPixelsInFlight) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 32;
    public static final long DEFAULT_MAX_DELAY_MS = 2;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 8L << 20;
    /** 4096 × 4096: large images are decoded subsampled towards the model's input size, so this bounds work, not memory. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    public static final long DEFAULT_POLL_MS = 2000;
    public static final String DEFAULT_MODEL_NAME = "student";
    /** 64 MiB of decoded pixels in flight: sixteen 2-Mpx images, or any number of subsampled ones. */
    public static final long DEFAULT_MAX_DECODED_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_QUEUED_IMAGES = 256;
    public static final int DEFAULT_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_READ_TIMEOUT_SECONDS = 30;
    /** Four images of the largest legal size (4 × 4096²) waiting for or in decoding. */
    public static final long DEFAULT_MAX_PIXELS_IN_FLIGHT = 4 * DEFAULT_MAX_PIXELS;
    public static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** The prefix of the properties that carry a configuration into the Micronaut context. */
    public static final String PREFIX = "imed.serve.";

    public ServeConfig {
        Objects.requireNonNull(registry, "registry");
        registry = registry.toAbsolutePath().normalize();
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        modelName = modelName == null || modelName.isBlank() ? DEFAULT_MODEL_NAME : modelName;
        apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
        require(port >= 0 && port <= 65535, "port must be 0..65535, got " + port);
        require(maxBatch >= 1, "maxBatch must be at least 1, got " + maxBatch);
        require(maxDelayMs >= 0, "maxDelayMs must not be negative, got " + maxDelayMs);
        require(maxRequestBytes >= 1024, "maxRequestBytes must be at least 1024, got " + maxRequestBytes);
        require(maxRequestBytes <= Integer.MAX_VALUE, "maxRequestBytes must fit in an int, got " + maxRequestBytes);
        require(maxPixels >= 1, "maxPixels must be positive, got " + maxPixels);
        require(pollMs >= 10, "pollMs must be at least 10, got " + pollMs);
        require(modelName.matches("[A-Za-z0-9_.-]+"), "modelName may only hold letters, digits, '_', '.' and '-': " + modelName);
        require(maxDecodedBytes >= 1 << 20, "maxDecodedBytes must be at least 1 MiB, got " + maxDecodedBytes);
        require(maxQueuedImages >= 1, "maxQueuedImages must be at least 1, got " + maxQueuedImages);
        require(workers >= 1, "workers must be at least 1, got " + workers);
        require(requestTimeoutMs >= 100, "requestTimeoutMs must be at least 100, got " + requestTimeoutMs);
        require(readTimeoutSeconds >= 1, "readTimeoutSeconds must be at least 1, got " + readTimeoutSeconds);
        require(idleTimeoutSeconds >= 1, "idleTimeoutSeconds must be at least 1, got " + idleTimeoutSeconds);
        require(maxPixelsInFlight >= 1, "maxPixelsInFlight must be positive, got " + maxPixelsInFlight);
    }

    /** The defaults: loopback, port 8080, batches of up to 32 within 2 ms, 8 MiB bodies, 16 Mpx images, polls every 2 s. */
    public static ServeConfig defaults(Path registry) {
        return new ServeConfig(registry, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY_MS,
                DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_PIXELS, null, DEFAULT_POLL_MS, DEFAULT_MODEL_NAME,
                false, DEFAULT_MAX_DECODED_BYTES, DEFAULT_MAX_QUEUED_IMAGES, DEFAULT_WORKERS, DEFAULT_REQUEST_TIMEOUT_MS,
                false, DEFAULT_READ_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_PIXELS_IN_FLIGHT);
    }

    public ServeConfig withHost(String newHost) {
        return toBuilder().host(newHost).build();
    }

    public ServeConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public ServeConfig withBatching(int newMaxBatch, long newMaxDelayMs) {
        return toBuilder().maxBatch(newMaxBatch).maxDelayMs(newMaxDelayMs).build();
    }

    public ServeConfig withLimits(long newMaxRequestBytes, long newMaxPixels) {
        return toBuilder().maxRequestBytes(newMaxRequestBytes).maxPixels(newMaxPixels).build();
    }

    public ServeConfig withApiKey(String newApiKey) {
        return toBuilder().apiKey(newApiKey).build();
    }

    public ServeConfig withPollMs(long newPollMs) {
        return toBuilder().pollMs(newPollMs).build();
    }

    public ServeConfig withModelName(String newModelName) {
        return toBuilder().modelName(newModelName).build();
    }

    public ServeConfig withAllowSchemaChange(boolean allow) {
        return toBuilder().allowSchemaChange(allow).build();
    }

    public ServeConfig withAdmission(long newMaxDecodedBytes, int newMaxQueuedImages, int newWorkers) {
        return toBuilder().maxDecodedBytes(newMaxDecodedBytes).maxQueuedImages(newMaxQueuedImages).workers(newWorkers).build();
    }

    public ServeConfig withMaxPixelsInFlight(long newMaxPixelsInFlight) {
        return toBuilder().maxPixelsInFlight(newMaxPixelsInFlight).build();
    }

    public ServeConfig withRequestTimeoutMs(long newRequestTimeoutMs) {
        return toBuilder().requestTimeoutMs(newRequestTimeoutMs).build();
    }

    public ServeConfig withInsecure(boolean newInsecure) {
        return toBuilder().insecure(newInsecure).build();
    }

    public ServeConfig withTimeouts(long newReadTimeoutSeconds, long newIdleTimeoutSeconds) {
        return toBuilder().readTimeoutSeconds(newReadTimeoutSeconds).idleTimeoutSeconds(newIdleTimeoutSeconds).build();
    }

    /**
     * Refuses to expose the API without a key: binding an address other than loopback needs an API key
     * unless {@code insecure} is set. Checked when a server starts.
     */
    public void checkExposure() {
        if (apiKey == null && !insecure && !isLoopback(host)) {
            throw new IllegalArgumentException("refusing to serve on " + host + " without an API key: anyone who can reach it "
                    + "could use the model. Give --api-key-file FILE (or IMED_API_KEY), bind 127.0.0.1, or pass --insecure");
        }
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The properties of a server for this configuration: the configuration itself under
     * {@value #PREFIX} (read back by {@link #fromProperties}), and the Micronaut settings it implies;
     * everything else keeps Micronaut's defaults. {@link InferenceServer#start} and the tests'
     * {@code @MicronautTest} contexts are both built from these.
     */
    public Map<String, Object> micronautProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PREFIX + "registry", registry.toString());
        p.put(PREFIX + "host", host);
        p.put(PREFIX + "port", port);
        p.put(PREFIX + "max-batch", maxBatch);
        p.put(PREFIX + "max-delay-ms", maxDelayMs);
        p.put(PREFIX + "max-request-bytes", maxRequestBytes);
        p.put(PREFIX + "max-pixels", maxPixels);
        if (apiKey != null) {
            p.put(PREFIX + "api-key", apiKey);
        }
        p.put(PREFIX + "poll-ms", pollMs);
        p.put(PREFIX + "model-name", modelName);
        p.put(PREFIX + "allow-schema-change", allowSchemaChange);
        p.put(PREFIX + "max-decoded-bytes", maxDecodedBytes);
        p.put(PREFIX + "max-queued-images", maxQueuedImages);
        p.put(PREFIX + "workers", workers);
        p.put(PREFIX + "request-timeout-ms", requestTimeoutMs);
        p.put(PREFIX + "insecure", insecure);
        p.put(PREFIX + "read-timeout-seconds", readTimeoutSeconds);
        p.put(PREFIX + "idle-timeout-seconds", idleTimeoutSeconds);
        p.put(PREFIX + "max-pixels-in-flight", maxPixelsInFlight);
        p.put("micronaut.application.name", "imed-serve");
        p.put("micronaut.server.host", host);
        p.put("micronaut.server.port", port);
        p.put("micronaut.server.max-request-size", maxRequestBytes);
        p.put("micronaut.server.read-timeout", readTimeoutSeconds);
        p.put("micronaut.server.idle-timeout", idleTimeoutSeconds + "s");
        p.put("micronaut.server.multipart.enabled", true);
        p.put("micronaut.server.multipart.max-file-size", maxRequestBytes);
        // Our own /metrics speaks Prometheus; Micronaut's management endpoints (its JSON /metrics among them) stay off.
        p.put("endpoints.all.enabled", false);
        p.put("micronaut.metrics.enabled", true);
        p.put("micronaut.metrics.export.prometheus.enabled", true);
        p.put("micronaut.metrics.export.prometheus.descriptions", true);
        // The request timer in ServeMetrics replaces the generic one, whose URI tag we do not need.
        p.put("micronaut.metrics.binders.web.enabled", false);
        return p;
    }

    /**
     * The configuration that {@link #micronautProperties()} describes, read through {@code property}
     * (a name → its value, or {@code null} if unset); unset values take the defaults, the registry must be set.
     */
    public static ServeConfig fromProperties(Function<String, String> property) {
        String registry = property.apply(PREFIX + "registry");
        if (registry == null || registry.isBlank()) {
            throw new IllegalArgumentException(PREFIX + "registry is not set: it names the student registry directory to serve");
        }
        return new ServeConfig(Path.of(registry),
                property.apply(PREFIX + "host"),
                integer(property, "port", DEFAULT_PORT),
                integer(property, "max-batch", DEFAULT_MAX_BATCH),
                number(property, "max-delay-ms", DEFAULT_MAX_DELAY_MS),
                number(property, "max-request-bytes", DEFAULT_MAX_REQUEST_BYTES),
                number(property, "max-pixels", DEFAULT_MAX_PIXELS),
                property.apply(PREFIX + "api-key"),
                number(property, "poll-ms", DEFAULT_POLL_MS),
                property.apply(PREFIX + "model-name"),
                bool(property, "allow-schema-change"),
                number(property, "max-decoded-bytes", DEFAULT_MAX_DECODED_BYTES),
                integer(property, "max-queued-images", DEFAULT_MAX_QUEUED_IMAGES),
                integer(property, "workers", DEFAULT_WORKERS),
                number(property, "request-timeout-ms", DEFAULT_REQUEST_TIMEOUT_MS),
                bool(property, "insecure"),
                number(property, "read-timeout-seconds", DEFAULT_READ_TIMEOUT_SECONDS),
                number(property, "idle-timeout-seconds", DEFAULT_IDLE_TIMEOUT_SECONDS),
                number(property, "max-pixels-in-flight", DEFAULT_MAX_PIXELS_IN_FLIGHT));
    }

    private static boolean bool(Function<String, String> property, String name) {
        String value = property.apply(PREFIX + name);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(PREFIX + name + " must be true or false, got '" + value + "'");
        };
    }

    private static long number(Function<String, String> property, String name, long fallback) {
        String value = property.apply(PREFIX + name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be an integer, got '" + value + "'");
        }
    }

    private static int integer(Function<String, String> property, String name, int fallback) {
        long value = number(property, name, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + name + " must fit in an int, got " + value);
        }
        return (int) value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A builder holding this configuration, to change some fields of a copy by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a {@link ServeConfig} by field name, from a copy of another one ({@link #toBuilder}). */
    public static final class Builder {
        private Path registry;
        private String host;
        private int port;
        private int maxBatch;
        private long maxDelayMs;
        private long maxRequestBytes;
        private long maxPixels;
        private String apiKey;
        private long pollMs;
        private String modelName;
        private boolean allowSchemaChange;
        private long maxDecodedBytes;
        private int maxQueuedImages;
        private int workers;
        private long requestTimeoutMs;
        private boolean insecure;
        private long readTimeoutSeconds;
        private long idleTimeoutSeconds;
        private long maxPixelsInFlight;

        private Builder(ServeConfig c) {
            registry = c.registry;
            host = c.host;
            port = c.port;
            maxBatch = c.maxBatch;
            maxDelayMs = c.maxDelayMs;
            maxRequestBytes = c.maxRequestBytes;
            maxPixels = c.maxPixels;
            apiKey = c.apiKey;
            pollMs = c.pollMs;
            modelName = c.modelName;
            allowSchemaChange = c.allowSchemaChange;
            maxDecodedBytes = c.maxDecodedBytes;
            maxQueuedImages = c.maxQueuedImages;
            workers = c.workers;
            requestTimeoutMs = c.requestTimeoutMs;
            insecure = c.insecure;
            readTimeoutSeconds = c.readTimeoutSeconds;
            idleTimeoutSeconds = c.idleTimeoutSeconds;
            maxPixelsInFlight = c.maxPixelsInFlight;
        }

        public Builder registry(Path value) {
            registry = value;
            return this;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder maxBatch(int value) {
            maxBatch = value;
            return this;
        }

        public Builder maxDelayMs(long value) {
            maxDelayMs = value;
            return this;
        }

        public Builder maxRequestBytes(long value) {
            maxRequestBytes = value;
            return this;
        }

        public Builder maxPixels(long value) {
            maxPixels = value;
            return this;
        }

        public Builder apiKey(String value) {
            apiKey = value;
            return this;
        }

        public Builder pollMs(long value) {
            pollMs = value;
            return this;
        }

        public Builder modelName(String value) {
            modelName = value;
            return this;
        }

        public Builder allowSchemaChange(boolean value) {
            allowSchemaChange = value;
            return this;
        }

        public Builder maxDecodedBytes(long value) {
            maxDecodedBytes = value;
            return this;
        }

        public Builder maxQueuedImages(int value) {
            maxQueuedImages = value;
            return this;
        }

        public Builder workers(int value) {
            workers = value;
            return this;
        }

        public Builder requestTimeoutMs(long value) {
            requestTimeoutMs = value;
            return this;
        }

        public Builder insecure(boolean value) {
            insecure = value;
            return this;
        }

        public Builder readTimeoutSeconds(long value) {
            readTimeoutSeconds = value;
            return this;
        }

        public Builder idleTimeoutSeconds(long value) {
            idleTimeoutSeconds = value;
            return this;
        }

        public Builder maxPixelsInFlight(long value) {
            maxPixelsInFlight = value;
            return this;
        }

        public ServeConfig build() {
            return new ServeConfig(registry, host, port, maxBatch, maxDelayMs, maxRequestBytes, maxPixels, apiKey,
                    pollMs, modelName, allowSchemaChange, maxDecodedBytes, maxQueuedImages, workers,
                    requestTimeoutMs, insecure, readTimeoutSeconds, idleTimeoutSeconds, maxPixelsInFlight);
        }
    }
}
