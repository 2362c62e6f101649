package dev.imed.cli;

import dev.imed.deploy.InferenceServer;
import dev.imed.deploy.ServeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed serve}: the inference API over the newest student of a registry, reloading as new ones land. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the newest student of a registry over HTTP (predict, Open Inference Protocol, metrics), with hot reload.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--registry", required = true, description = "registry directory where imed distill --publish and imed stream write students")
    Path registry;
    @Option(names = "--port", defaultValue = "8080", description = "port (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--max-batch", defaultValue = "32", description = "largest dynamic batch (default: ${DEFAULT-VALUE})")
    int maxBatch;
    @Option(names = "--max-delay-ms", defaultValue = "2", description = "longest wait to fill a batch (default: ${DEFAULT-VALUE})")
    long maxDelayMs;
    @Option(names = "--api-key", description = "require this value in the X-API-Key header (default: env IMED_API_KEY, else none)")
    String apiKey;

    @Override
    public Integer call() throws InterruptedException {
        String key = apiKey != null ? apiKey : System.getenv("IMED_API_KEY");
        ServeConfig config = ServeConfig.defaults(registry).withHost(host).withPort(port).withBatching(maxBatch, maxDelayMs);
        if (key != null && !key.isBlank()) {
            config = config.withApiKey(key);
        }
        InferenceServer server = InferenceServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("serving " + registry + " at " + server.url() + " (model version " + server.modelVersion() + ")");
        server.awaitClose();
        return 0;
    }
}
