package dev.imed.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code imed serve} in a JVM of its own, for tests that need a server with another heap than the test
 * JVM's: {@code ChildServer REGISTRY PORT_FILE}, with the default limits. It writes its port
 * to {@code PORT_FILE} (renamed into place) once it accepts requests, and serves until killed.
 */
public final class ChildServer {
    private ChildServer() {}

    public static void main(String[] args) throws Exception {
        ServeConfig config = ServeConfig.defaults(Path.of(args[0])).withPort(0);
        InferenceServer server = InferenceServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Path portFile = Path.of(args[1]);
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.port()));
        Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, serving at " + server.url() + " with " + config);
        server.awaitClose();
    }
}
