package dev.imed.streaming.cluster;

import dev.imed.streaming.StreamJobException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A Flink session cluster of separate processes on this machine: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and N TaskManagers ({@code TaskManagerRunner}), each a
 * JVM started with this program's classpath, so DJL (whose native library binds to one class loader
 * per JVM) and imed's classes are on every TaskManager's parent classpath and a job needs no jar.
 *
 * <p>Everything lives in one directory: {@code conf/config.yaml} (the generated Flink configuration:
 * loopback addresses, REST and RPC ports, slots, memory, restart strategy, heartbeats, DJL loaded
 * parent-first), {@code cluster.properties} (ports and the JVMs' options), {@code *.pid} (the processes
 * started, so that {@link #stop} ends exactly those) and {@code log/}.
 */
public final class SessionCluster {
    public static final String MAIN_JOBMANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String MAIN_TASKMANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /**
     * PyTorch's intra-op threads for each task: this machine's cores shared out among every slot of
     * every TaskManager, at least one. Each task runs its own model on its own thread, so more threads
     * than that would have the TaskManagers fight over the cores (and PyTorch's default is all of them).
     */
    public static int pytorchThreadsPerTask(int cores, int taskManagers, int slots) {
        return Math.max(1, cores / (taskManagers * slots));
    }

    /** Every JVM that may run DJL: a bounded direct memory, {@code pytorchThreads} intra-op threads and one inter-op thread. */
    static List<String> djlJvmOptions(int pytorchThreads) {
        return List.of("-XX:MaxDirectMemorySize=256m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=" + pytorchThreads,
                "-Dai.djl.pytorch.num_interop_threads=1", "-Djava.awt.headless=true");
    }

    /**
     * How to start one.
     *
     * @param dir the cluster's directory
     * @param taskManagers TaskManager processes
     * @param slots task slots per TaskManager (each task's PyTorch threads are worked out so that threads × tasks ≤ cores)
     * @param restPort the JobManager's REST port (0: any free one)
     * @param classpath the JVMs' classpath
     */
    public record Spec(Path dir, int taskManagers, int slots, int restPort, String classpath) {
        public Spec {
            if (taskManagers < 1 || slots < 1 || restPort < 0) {
                throw new IllegalArgumentException("at least one TaskManager with one slot, and a port ≥ 0");
            }
            dir = dir.toAbsolutePath().normalize();
        }
    }

    private final Path dir;

    private SessionCluster(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The cluster recorded in {@code dir} (started earlier, perhaps by another process). */
    public static SessionCluster at(Path dir) {
        if (!Files.isRegularFile(dir.resolve("cluster.properties"))) {
            throw new StreamJobException(dir + ": no cluster was started here (no cluster.properties)");
        }
        return new SessionCluster(dir);
    }

    /** Writes the configuration and starts the JobManager and the TaskManagers; returns once all TaskManagers registered. */
    public static SessionCluster start(Spec spec, Duration timeout) {
        Path dir = spec.dir();
        try {
            Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("log"));
            try (Stream<Path> pids = Files.list(dir)) {
                for (Path pid : pids.filter(p -> p.getFileName().toString().endsWith(".pid")).toList()) {
                    if (alive(pid)) {
                        throw new StreamJobException(dir + ": a cluster is running here already (" + pid.getFileName()
                                + "); imed cluster stop --dir " + dir);
                    }
                    Files.delete(pid);
                }
            }
            int restPort = spec.restPort() == 0 ? freePort() : spec.restPort();
            int rpcPort = freePort();
            int pytorchThreads = pytorchThreadsPerTask(Runtime.getRuntime().availableProcessors(), spec.taskManagers(), spec.slots());
            Files.writeString(dir.resolve("conf").resolve("config.yaml"),
                    configYaml(dir, restPort, rpcPort, spec.slots(), pytorchThreads));
            Properties props = new Properties();
            props.setProperty("restPort", Integer.toString(restPort));
            props.setProperty("rpcPort", Integer.toString(rpcPort));
            props.setProperty("slots", Integer.toString(spec.slots()));
            // Fixed at start: a TaskManager added later (a replacement) gets the same share of the cores.
            props.setProperty("pytorchThreads", Integer.toString(pytorchThreads));
            props.setProperty("classpath", spec.classpath());
            try (var out = Files.newBufferedWriter(dir.resolve("cluster.properties"))) {
                props.store(out, "imed cluster");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot set up the cluster", e);
        }
        SessionCluster cluster = new SessionCluster(dir);
        try {
            cluster.launch("jobmanager", MAIN_JOBMANAGER, "-Xmx512m");
            for (int i = 0; i < spec.taskManagers(); i++) {
                cluster.addTaskManager();
            }
            cluster.awaitTaskManagers(spec.taskManagers(), timeout);
            return cluster;
        } catch (RuntimeException e) {
            // Half a cluster is no use: end what was started, keep the logs.
            cluster.stop(Duration.ofSeconds(10));
            throw e;
        }
    }

    /** The generated Flink configuration (Flink 2's {@code config.yaml}, flat keys). */
    static String configYaml(Path dir, int restPort, int rpcPort, int slots, int pytorchThreads) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "localhost");
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("jobmanager.memory.process.size", "768m");
        c.put("taskmanager.memory.process.size", "1280m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "10");
        c.put("restart-strategy.fixed-delay.delay", "2 s");
        // A TaskManager that dies is noticed within seconds, not the default 50.
        c.put("heartbeat.interval", "2000");
        c.put("heartbeat.timeout", "10000");
        // Generous RPC timeouts: on a loaded machine an actor system can take longer than the default 10 s to start.
        c.put("pekko.startup-timeout", "60 s");
        c.put("pekko.ask.timeout", "60 s");
        c.put("pekko.lookup.timeout", "60 s");
        c.put("pekko.tcp.timeout", "60 s");
        c.put("classloader.parent-first-patterns.additional", "ai.djl.");
        c.put("env.java.opts.all", String.join(" ", djlJvmOptions(pytorchThreads)));
        StringBuilder yaml = new StringBuilder("# Generated by imed cluster start.\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(v.contains(" ") || v.contains(":") ? "\"" + v + "\"" : v).append('\n'));
        return yaml.toString();
    }

    public Path dir() {
        return dir;
    }

    private Properties properties() {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("cluster.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    public int restPort() {
        return Integer.parseInt(properties().getProperty("restPort"));
    }

    /** PyTorch's intra-op threads in each TaskManager's tasks (see {@link #pytorchThreadsPerTask}). */
    public int pytorchThreads() {
        return Integer.parseInt(properties().getProperty("pytorchThreads", "1"));
    }

    /** {@code localhost:PORT}, what {@code imed stream --cluster} takes. */
    public String address() {
        return "localhost:" + restPort();
    }

    /** Starts one more TaskManager (a replacement, or more capacity) and returns its process. */
    public Process addTaskManager() {
        int n = 0;
        while (Files.exists(dir.resolve("taskmanager-" + n + ".pid"))) {
            n++;
        }
        // What Flink's start script does: the memory components worked out from the configuration, as JVM
        // options and as dynamic properties (a TaskManager started without them refuses to run).
        org.apache.flink.configuration.Configuration conf =
                org.apache.flink.configuration.GlobalConfiguration.loadConfiguration(dir.resolve("conf").toString());
        org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec spec =
                org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(conf);
        List<String> jvm = new ArrayList<>(List.of(
                org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils.generateJvmParametersStr(spec).trim().split("\\s+")));
        List<String> dynamic = new ArrayList<>(List.of(
                org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.generateDynamicConfigsStr(spec).trim().split("\\s+")));
        return launch("taskmanager-" + n, MAIN_TASKMANAGER, jvm, dynamic);
    }

    private Process launch(String name, String main, String heap) {
        return launch(name, main, List.of(heap), List.of());
    }

    private Process launch(String name, String main, List<String> memory, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memory);
        // After Flink's own: DJL's direct buffers need this much whatever the memory model works out.
        command.addAll(djlJvmOptions(pytorchThreads()));
        // A temporary directory per process: each unpacks Flink's RPC jar there, and a process that exits
        // deletes what it unpacked; shared, one process's exit pulled classes from under another's feet.
        Path tmp = dir.resolve("tmp").resolve(name);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(properties().getProperty("classpath"));
        command.add(main);
        command.add("--configDir");
        command.add(dir.resolve("conf").toString());
        command.addAll(arguments);
        try {
            Files.createDirectories(tmp);
            Path log = dir.resolve("log").resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // Each TaskManager runs models beside the others on shared cores: OpenMP threads must sleep, not spin,
            // while they wait (the imed launcher sets the same), unless the user chose otherwise.
            builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            Process process = builder.start();
            Files.writeString(dir.resolve(name + ".pid"), Long.toString(process.pid()));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name, e);
        }
    }

    /** What the JobManager reports, or empty when it does not answer. */
    public Optional<Map<String, Object>> overview() {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + restPort() + "/overview"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = dev.imed.core.bundle.Json.MAPPER.readValue(response.body(), Map.class);
            return Optional.of(map);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Registered TaskManagers (0 when the JobManager does not answer). */
    public int taskManagers() {
        return overview().map(o -> ((Number) o.getOrDefault("taskmanagers", 0)).intValue()).orElse(0);
    }

    /** Waits until at least {@code n} TaskManagers have registered with the JobManager. */
    public void awaitTaskManagers(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taskManagers() < n) {
            if (System.nanoTime() > deadline) {
                throw new StreamJobException("the cluster in " + dir + " has " + taskManagers() + " of " + n
                        + " TaskManagers after " + timeout.toSeconds() + " s (see " + dir.resolve("log") + ")");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StreamJobException("interrupted", e);
            }
        }
    }

    /** The processes this cluster started that are still alive: name → pid. */
    public Map<String, Long> processes() {
        Map<String, Long> alive = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pid : files.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                long id = Long.parseLong(Files.readString(pid).trim());
                if (ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false)) {
                    alive.put(pid.getFileName().toString().replace(".pid", ""), id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return alive;
    }

    /** Stops the processes this cluster started (SIGTERM, then SIGKILL after {@code grace}), TaskManagers first. */
    public void stop(Duration grace) {
        Map<String, Long> running = processes();
        List<String> order = new ArrayList<>(running.keySet());
        order.sort((a, b) -> Boolean.compare(a.equals("jobmanager"), b.equals("jobmanager")));
        for (String name : order) {
            ProcessHandle.of(running.get(name)).ifPresent(p -> {
                p.destroy();
                try {
                    p.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path pid : files.filter(p -> p.getFileName().toString().endsWith(".pid")).toList()) {
                Files.delete(pid);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean alive(Path pidFile) {
        try {
            long id = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(id).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
