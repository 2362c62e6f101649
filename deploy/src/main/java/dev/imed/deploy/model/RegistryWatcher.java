package dev.imed.deploy.model;

import dev.imed.core.transform.InputSpec;
import dev.imed.model.registry.StudentRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the registry and serves what its {@code current} pointer says: the pinned version, or, when
 * unpinned, the newest version that passes {@link ModelLoader}'s checks. Loading happens on the
 * watcher's own thread, so serving never waits for it.
 *
 * <p>A version whose class list or input spec differs from the one serving is refused (a client
 * built for one schema would silently get another) unless {@code allowSchemaChange}; the server stays
 * on the last good version. A rejected or refused version is remembered with its files' sizes and
 * times: it is logged once and tried again only if its files change.
 *
 * <p>The poll loop survives anything thrown ({@link Throwable}, errors included): the next poll runs
 * regardless, and {@link #lastSuccessfulPollMillis()} tells a monitor when a poll last completed.
 */
public final class RegistryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatcher.class);

    /** What happened to one version the watcher tried. */
    public enum Outcome { LOADED, REJECTED, INCOMPATIBLE }

    /** Loads and checks one registry version ({@link ModelLoader#load}). */
    @FunctionalInterface
    public interface Loader {
        ServedModel load(long version, Path dir);
    }

    private final StudentRegistry registry;
    private final LiveModel live;
    private final Loader loader;
    private final long pollMs;
    private final boolean allowSchemaChange;
    private final Consumer<Outcome> listener;
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private volatile long lastSuccessfulPollMillis;
    private volatile String lastPollProblem;

    public RegistryWatcher(StudentRegistry registry, LiveModel live, Loader loader, long pollMs, boolean allowSchemaChange,
                           Consumer<Outcome> listener) {
        this.registry = registry;
        this.live = live;
        this.loader = loader;
        this.pollMs = pollMs;
        this.allowSchemaChange = allowSchemaChange;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "imed-registry-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads the version to serve now (so a server is ready when it starts), then polls in the background. */
    public void start() {
        if (!Files.isDirectory(registry.root())) {
            throw new IllegalArgumentException(registry.root() + ": the registry directory does not exist");
        }
        pollQuietly();
        if (!live.isReady()) {
            LOG.warn("{}: no servable student version yet; the server reports not ready until one appears", registry.root());
        }
        scheduler.scheduleWithFixedDelay(this::pollQuietly, pollMs, pollMs, TimeUnit.MILLISECONDS);
    }

    /** When a poll last completed (epoch milliseconds), 0 before the first. */
    public long lastSuccessfulPollMillis() {
        return lastSuccessfulPollMillis;
    }

    /**
     * One look at the registry. Pinned: loads the pinned version unless it is served already.
     * Unpinned: tries the versions newer than the current one, newest first, until one loads.
     */
    public synchronized void poll() {
        Optional<Long> pinned = registry.pinned();
        if (pinned.isPresent()) {
            long version = pinned.get();
            if (version != live.version()) {
                Path dir = registry.directory(version);
                if (!Files.isDirectory(dir)) {
                    String key = "missing:" + dir;
                    if (rejected.add(key)) {
                        LOG.warn("the registry pins version {}, which does not exist; still serving version {}", version, live.version());
                    }
                } else {
                    tryLoad(version, dir);
                }
            }
        } else {
            List<Long> versions = registry.newestFirst();
            for (long version : versions) {
                if (version <= live.version()) {
                    break;
                }
                if (tryLoad(version, registry.directory(version))) {
                    break;
                }
            }
        }
        lastSuccessfulPollMillis = System.currentTimeMillis();
    }

    /** Loads, checks and swaps in one version; false if it was refused (now or at an earlier poll). */
    private boolean tryLoad(long version, Path dir) {
        String identity = identity(dir);
        if (rejected.contains(identity)) {
            return false;
        }
        long start = System.nanoTime();
        ServedModel model;
        try {
            model = loader.load(version, dir);
        } catch (RuntimeException e) {
            rejected.add(identity);
            listener.accept(Outcome.REJECTED);
            LOG.warn("rejected student version {}; still serving version {}: {}", version, live.version(), e.getMessage());
            return false;
        }
        Optional<String> difference = schemaDifference(model);
        if (difference.isPresent() && !allowSchemaChange) {
            model.release();
            rejected.add(identity);
            listener.accept(Outcome.INCOMPATIBLE);
            LOG.warn("refused student version {}: {}; still serving version {} (start the server with --allow-schema-change "
                    + "to accept it)", version, difference.get(), live.version());
            return false;
        }
        long previous = live.version();
        live.swap(model);
        listener.accept(Outcome.LOADED);
        LOG.info("serving student version {} (was {}), loaded and checked in {} ms{}", version, previous,
                (System.nanoTime() - start) / 1_000_000, difference.map(d -> "; schema changed: " + d).orElse(""));
        return true;
    }

    /** How {@code candidate}'s classes or input spec differ from the model serving, if one is and they do. */
    private Optional<String> schemaDifference(ServedModel candidate) {
        Optional<ServedModel> serving = live.acquire();
        if (serving.isEmpty()) {
            return Optional.empty();
        }
        ServedModel current = serving.get();
        try {
            return difference(current.classNames(), current.inputSpec(), candidate.classNames(), candidate.inputSpec());
        } finally {
            current.release();
        }
    }

    /** How a model with {@code classes} and {@code spec} differs from one with {@code serving…}, if it does. */
    public static Optional<String> difference(List<String> servingClasses, InputSpec servingSpec, List<String> classes, InputSpec spec) {
        if (!servingClasses.equals(classes)) {
            return Optional.of("its classes " + abbreviate(classes) + " differ from the serving version's " + abbreviate(servingClasses));
        }
        if (servingSpec.height() != spec.height() || servingSpec.width() != spec.width() || servingSpec.resize() != spec.resize()
                || !Arrays.equals(servingSpec.mean(), spec.mean()) || !Arrays.equals(servingSpec.std(), spec.std())) {
            return Optional.of("its input spec " + describe(spec) + " differs from the serving version's " + describe(servingSpec));
        }
        return Optional.empty();
    }

    private static String describe(InputSpec spec) {
        return spec.height() + "×" + spec.width() + " (resize " + spec.resize() + ", mean " + Arrays.toString(spec.mean())
                + ", std " + Arrays.toString(spec.std()) + ")";
    }

    private static String abbreviate(List<String> classes) {
        return classes.size() <= 12 ? classes.toString() : classes.subList(0, 12) + "… (" + classes.size() + " classes)";
    }

    /** A poll that cannot fail the scheduler: whatever it throws is logged (once per distinct problem) and the next poll runs. */
    private void pollQuietly() {
        try {
            poll();
            lastPollProblem = null;
        } catch (Throwable e) {
            String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!problem.equals(lastPollProblem)) {
                LOG.warn("{}: the registry poll failed ({}); still serving version {}, polling again", registry.root(),
                        problem, live.version(), e);
            }
            lastPollProblem = problem;
        }
    }

    /** A version's directory plus its files' sizes and modification times. */
    private static String identity(Path dir) {
        StringBuilder key = new StringBuilder(dir.toString());
        try (var files = Files.list(dir)) {
            files.sorted().forEach(file -> {
                try {
                    key.append('|').append(file.getFileName()).append(':').append(Files.size(file))
                            .append(':').append(Files.getLastModifiedTime(file).toMillis());
                } catch (IOException e) {
                    key.append('|').append(file.getFileName()).append(":?");
                }
            });
        } catch (IOException e) {
            key.append("|unlistable");
        }
        return key.toString();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
