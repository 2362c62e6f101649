package dev.imed.deploy.metrics;

import dev.imed.deploy.batch.BatchListener;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.RegistryWatcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters: requests by endpoint and status with a latency histogram, batch sizes, forward-pass
 * time, the served model version and reload outcomes.
 */
public final class ServeMetrics implements BatchListener {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

    /** Images per forward pass: its count is the number of forward passes. */
    public static final String BATCH_IMAGES = "imed.batch.images";
    /** The time of each batched forward pass. */
    public static final String BATCH_FORWARD = "imed.batch.forward";

    private final MeterRegistry registry;
    private final DistributionSummary batchImages;
    private final DistributionSummary batchRequests;
    private final Timer forward;
    private final java.util.Map<RegistryWatcher.Outcome, Counter> reloads = new java.util.EnumMap<>(RegistryWatcher.Outcome.class);
    /** The request timers by "endpoint status": found here rather than built and looked up in the registry per request. */
    private final ConcurrentHashMap<String, Timer> requestTimers = new ConcurrentHashMap<>();

    public ServeMetrics(MeterRegistry registry, LiveModel live) {
        this.registry = registry;
        this.batchImages = DistributionSummary.builder(BATCH_IMAGES)
                .description("Images per forward pass").serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        this.batchRequests = DistributionSummary.builder("imed.batch.requests")
                .description("Requests per forward pass").serviceLevelObjectives(BATCH_BUCKETS).register(registry);
        this.forward = Timer.builder(BATCH_FORWARD)
                .description("Time of one batched forward pass").serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        Gauge.builder("imed.model.version", live, LiveModel::version)
                .description("Registry version of the student being served (0: none)").strongReference(true).register(registry);
        for (RegistryWatcher.Outcome outcome : RegistryWatcher.Outcome.values()) {
            reloads.put(outcome, Counter.builder("imed.model.reloads").description("Registry versions tried, by outcome")
                    .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
    }

    /** Records one HTTP request; {@code endpoint} must come from a small fixed set. */
    public void request(String endpoint, int status, long nanos) {
        requestTimers.computeIfAbsent(endpoint + ' ' + status, key -> Timer.builder("imed.requests")
                        .description("HTTP requests by endpoint and status")
                        .tag("endpoint", endpoint)
                        .tag("status", Integer.toString(status))
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The time of the watcher's last successful registry poll, so that a monitor sees a watcher that stopped polling. */
    public void watch(RegistryWatcher watcher) {
        Gauge.builder("imed.registry.last.successful.poll", watcher, w -> w.lastSuccessfulPollMillis() / 1000.0)
                .description("When the registry watcher last completed a poll (Unix time, seconds; 0: never)")
                .baseUnit("seconds").strongReference(true).register(registry);
    }

    public void reload(RegistryWatcher.Outcome outcome) {
        reloads.get(outcome).increment();
    }

    /** Admission: what is in flight, and the requests turned away by reason. */
    public void admission(dev.imed.deploy.inference.Admission admission) {
        Gauge.builder("imed.admission.images", admission, a -> a.imagesInFlight())
                .description("Images admitted and not yet answered").strongReference(true).register(registry);
        Gauge.builder("imed.admission.bytes", admission, a -> a.bytesInFlight())
                .description("Bytes of decoded images, tensors and parsed JSON in flight").baseUnit("bytes")
                .strongReference(true).register(registry);
        Gauge.builder("imed.admission.pixels", admission, a -> a.pixelsInFlight())
                .description("Pixels (as declared) of large images waiting for or in decoding").strongReference(true).register(registry);
    }

    /** A request turned away with 503 by admission control. */
    public void shed(dev.imed.deploy.inference.Admission.Shed reason) {
        Counter.builder("imed.admission.shed").description("Requests turned away as busy (503), by the limit they hit")
                .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    @Override
    public void jobsSkipped(int jobs) {
        Counter.builder("imed.batch.skipped").description("Queued requests not run because their caller had timed out or gone")
                .register(registry).increment(jobs);
    }

    @Override
    public void batchDone(int images, int requests, long forwardNanos) {
        batchImages.record(images);
        batchRequests.record(requests);
        forward.record(forwardNanos, TimeUnit.NANOSECONDS);
    }
}
