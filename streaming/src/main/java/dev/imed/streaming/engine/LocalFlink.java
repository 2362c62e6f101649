package dev.imed.streaming.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Reference;

/**
 * Environments that run a job on a MiniCluster in this JVM, as
 * {@link StreamExecutionEnvironment#createLocalEnvironment(int, Configuration)} does, but with one RPC
 * system for the whole JVM. Flink loads its RPC system (Pekko, Scala, Typesafe Config) from an embedded
 * jar into a new class loader for every MiniCluster: each job then paid for defining thousands of
 * classes on start-up and for JIT-compiling them again while it ran, on the cores the models need.
 */
public final class LocalFlink {
    private static RpcSystem shared;

    private LocalFlink() {}

    /** A local environment of {@code parallelism} whose MiniCluster borrows the JVM's RPC system. */
    public static StreamExecutionEnvironment environment(int parallelism, Configuration configuration) {
        Configuration conf = new Configuration(configuration);
        conf.set(DeploymentOptions.TARGET, "local");
        conf.set(DeploymentOptions.ATTACHED, true);
        // The class loader createLocalEnvironment's environment would use: Flink's own.
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Executors(), conf,
                StreamExecutionEnvironment.class.getClassLoader());
        env.setParallelism(parallelism);
        return env;
    }

    /** The JVM's RPC system, loaded on first use; its jar is deleted when the JVM exits. */
    static synchronized RpcSystem rpcSystem() {
        if (shared == null) {
            try {
                // Its own directory, so that the jar Flink extracts there can be found and removed at exit.
                Path dir = Files.createTempDirectory("imed-flink-rpc");
                dir.toFile().deleteOnExit();
                Configuration conf = new Configuration();
                conf.set(CoreOptions.TMP_DIRS, dir.toString());
                shared = RpcSystem.load(conf);
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(Path::toFile).forEach(File::deleteOnExit);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load Flink's RPC system", e);
            }
        }
        return shared;
    }

    /** The "local" executor, its MiniClusters built on the shared RPC system. */
    private static final class Executors implements PipelineExecutorServiceLoader, PipelineExecutorFactory {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(LocalExecutor.NAME);
        }

        @Override
        public String getName() {
            return LocalExecutor.NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return LocalExecutor.NAME.equalsIgnoreCase(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            RpcSystem rpc = rpcSystem();
            return LocalExecutor.createWithFactory(configuration, c -> new MiniCluster(c, () -> Reference.borrowed(rpc)));
        }
    }
}
