package dev.imed.cli;

import dev.imed.streaming.cluster.SessionCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code imed cluster}: a Flink session cluster of separate processes on this machine, for {@code imed stream --cluster}. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start, inspect and stop a Flink session cluster (one JobManager, N TaskManagers, each its own JVM).",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Status.class, ClusterCommand.AddTaskManager.class,
                ClusterCommand.Stop.class})
final class ClusterCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The option every subcommand shares: where the cluster keeps its configuration, logs and process ids. */
    static final class Directory {
        @Option(names = "--dir", defaultValue = "cluster",
                description = "the cluster's directory: configuration, logs and process ids (default: ${DEFAULT-VALUE})")
        Path dir;

        /** The cluster kept in {@link #dir}. */
        SessionCluster cluster() {
            return SessionCluster.at(dir);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a JobManager and N TaskManagers with a generated Flink configuration in DIR; returns when all registered.")
    static final class Start implements Callable<Integer> {
        @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE})")
        int taskManagers;
        @Option(names = "--slots", defaultValue = "1",
                description = "slots per TaskManager; each task gets cores ÷ (slots × TaskManagers) PyTorch threads, at least one, "
                        + "so keep slots × TaskManagers ≤ cores (default: ${DEFAULT-VALUE})")
        int slots;
        @Option(names = "--port", defaultValue = "8081", description = "the JobManager's REST port, 0 for any free one (default: ${DEFAULT-VALUE})")
        int port;
        @Mixin
        Directory directory;
        @Option(names = "--timeout-s", defaultValue = "300", description = "how long to wait for the TaskManagers (default: ${DEFAULT-VALUE})")
        long timeoutSeconds;

        @Override
        public Integer call() {
            SessionCluster cluster = SessionCluster.start(new SessionCluster.Spec(directory.dir, taskManagers, slots, port,
                    System.getProperty("java.class.path")), Duration.ofSeconds(timeoutSeconds));
            System.out.println("cluster up: REST " + cluster.address() + ", " + cluster.taskManagers() + " TaskManagers × "
                    + slots + " slots, " + cluster.pytorchThreads() + " PyTorch thread(s) per task; configuration " + cluster.dir().resolve("conf/config.yaml") + ", logs "
                    + cluster.dir().resolve("log"));
            System.out.println("submit with: imed stream --cluster " + cluster.address() + " --teacher … --input … --out …");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "The cluster's processes and what its JobManager reports.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Directory directory;

        @Override
        public Integer call() {
            SessionCluster cluster = directory.cluster();
            Map<String, Long> processes = cluster.processes();
            System.out.println("processes: " + (processes.isEmpty() ? "none running" : processes));
            var overview = cluster.overview();
            if (overview.isEmpty()) {
                System.out.println("the JobManager at " + cluster.address() + " does not answer");
                return 1;
            }
            Map<String, Object> o = overview.get();
            System.out.printf("REST %s: %s TaskManagers, %s of %s slots free, %s jobs running, %s finished, %s failed, %s cancelled%n",
                    cluster.address(), o.get("taskmanagers"), o.get("slots-available"), o.get("slots-total"), o.get("jobs-running"),
                    o.get("jobs-finished"), o.get("jobs-failed"), o.get("jobs-cancelled"));
            return 0;
        }
    }

    @Command(name = "add-taskmanager", mixinStandardHelpOptions = true, description = "Start one more TaskManager (say, to replace a lost one).")
    static final class AddTaskManager implements Callable<Integer> {
        @Mixin
        Directory directory;

        @Override
        public Integer call() {
            Process process = directory.cluster().addTaskManager();
            System.out.println("TaskManager started, pid " + process.pid());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the processes this cluster started (TaskManagers first).")
    static final class Stop implements Callable<Integer> {
        @Mixin
        Directory directory;

        @Override
        public Integer call() {
            SessionCluster cluster = directory.cluster();
            Map<String, Long> processes = cluster.processes();
            cluster.stop(Duration.ofSeconds(30));
            System.out.println("stopped " + (processes.isEmpty() ? "nothing (no process was running)" : processes.keySet()));
            return 0;
        }
    }
}
