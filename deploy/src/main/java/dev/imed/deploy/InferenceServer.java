package dev.imed.deploy;

import dev.imed.deploy.batch.DynamicBatcher;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.RegistryWatcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import java.net.URI;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running inference server for a student registry: {@code InferenceServer.start(config)} loads the
 * newest good version, starts the HTTP server and returns once it accepts requests; {@link #close()}
 * stops it. The CLI's {@code imed serve} calls {@link #start} and then {@link #awaitClose()}.
 */
@OpenAPIDefinition(
        info = @Info(title = "imed inference API", version = "1",
                description = "Classifies images with the imed student. /v1/predict takes an image; /v2 speaks the "
                        + "Open Inference Protocol (KServe v2) with FP32 tensors or BYTES (base64 images). "
                        + "Errors are {\"error\": \"...\"} with a 4xx status for client mistakes."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.HEADER, paramName = "X-API-Key",
        description = "Required when the server was started with an API key")
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final ServeConfig config;
    private final LiveModel live;
    private final int port;
    private final CountDownLatch closed = new CountDownLatch(1);

    private InferenceServer(ApplicationContext context, EmbeddedServer server, ServeConfig config) {
        this.context = context;
        this.server = server;
        this.config = config;
        this.live = context.getBean(LiveModel.class);
        this.port = server.getPort();
    }

    /**
     * Starts serving {@code config.registry()}. Fails if the registry directory does not exist or the
     * port cannot be bound; an empty registry is served as "not ready" until a version appears.
     */
    public static InferenceServer start(ServeConfig config) {
        // Checked here as well as by the watcher, so that the caller gets this error rather than a bean failure.
        if (!Files.isDirectory(config.registry())) {
            throw new IllegalArgumentException(config.registry() + ": the registry directory does not exist");
        }
        config.checkExposure();
        // The context reads the configuration back from these properties, as a @MicronautTest context does.
        ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(config.micronautProperties())
                .start();
        try {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            InferenceServer running = new InferenceServer(context, server, config);
            LOG.info("serving {} (model '{}', version {}) at {}", config.registry(), config.modelName(),
                    running.modelVersion(), running.url());
            return running;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        return URI.create("http://" + hostForUrl() + ":" + port);
    }

    public int port() {
        return port;
    }

    public ServeConfig config() {
        return config;
    }

    /** The registry version being served, 0 while none is loaded. */
    public long modelVersion() {
        return live.version();
    }

    /** The server's Micrometer registry (the meters {@code /metrics} exposes), for readers in the same JVM such as a benchmark. */
    public MeterRegistry meters() {
        return context.getBean(MeterRegistry.class);
    }

    /** Blocks until {@link #close()} is called (e.g. from a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops accepting requests, fails what is still queued, then frees the models. */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        // Stopping the server may stop the context too, so the beans are looked up first.
        RegistryWatcher watcher = context.getBean(RegistryWatcher.class);
        DynamicBatcher batcher = context.getBean(DynamicBatcher.class);
        try {
            server.stop();
            watcher.close();
            batcher.close();
            live.close();
        } finally {
            context.close();
            awaitPortReleased();
            closed.countDown();
        }
    }

    /**
     * Netty closes the listening socket a little after {@code stop()} returns; waiting for it here lets
     * a caller that closes the server and starts another on the same port (a restart, a test) bind it.
     */
    private void awaitPortReleased() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(hostForUrl().replace("[", "").replace("]", ""), port), 200);
            } catch (java.io.IOException refused) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("port {} still accepts connections 5 s after the server stopped", port);
    }

    private String hostForUrl() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
