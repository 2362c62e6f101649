package dev.imed.deploy.model;

import dev.imed.distill.registry.StudentRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the registry and swaps in the newest version that passes {@link ModelLoader}'s checks.
 * Loading happens on the watcher's own thread, so serving never waits for it. A rejected version is
 * remembered with its files' sizes and times: it is logged once and tried again only if its files change.
 */
public final class RegistryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatcher.class);

    /** What happened to one version the watcher tried. */
    public enum Outcome { LOADED, REJECTED }

    private final StudentRegistry registry;
    private final LiveModel live;
    private final ModelLoader loader;
    private final long pollMs;
    private final Consumer<Outcome> listener;
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;

    public RegistryWatcher(StudentRegistry registry, LiveModel live, ModelLoader loader, long pollMs, Consumer<Outcome> listener) {
        this.registry = registry;
        this.live = live;
        this.loader = loader;
        this.pollMs = pollMs;
        this.listener = listener;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "imed-registry-watcher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads the newest good version now (so a server is ready when it starts), then polls in the background. */
    public void start() {
        if (!Files.isDirectory(registry.root())) {
            throw new IllegalArgumentException(registry.root() + ": the registry directory does not exist");
        }
        poll();
        if (!live.isReady()) {
            LOG.warn("{}: no servable student version yet; the server reports not ready until one appears", registry.root());
        }
        scheduler.scheduleWithFixedDelay(this::pollQuietly, pollMs, pollMs, TimeUnit.MILLISECONDS);
    }

    /** One look at the registry: tries the versions newer than the current one, newest first, until one loads. */
    public synchronized void poll() {
        List<Long> versions = registry.newestFirst();
        for (long version : versions) {
            if (version <= live.version()) {
                return;
            }
            Path dir = registry.directory(version);
            String identity = identity(dir);
            if (rejected.contains(identity)) {
                continue;
            }
            try {
                long start = System.nanoTime();
                ServedModel model = loader.load(version, dir);
                long previous = live.version();
                live.swap(model);
                listener.accept(Outcome.LOADED);
                LOG.info("serving student version {} (was {}), loaded and checked in {} ms", version, previous,
                        (System.nanoTime() - start) / 1_000_000);
                return;
            } catch (RuntimeException e) {
                rejected.add(identity);
                listener.accept(Outcome.REJECTED);
                LOG.warn("rejected student version {}; still serving version {}: {}", version, live.version(), e.getMessage());
            }
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A registry that cannot be listed now may be readable at the next poll.
            LOG.warn("{}: cannot poll the registry: {}", registry.root(), e.getMessage());
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
