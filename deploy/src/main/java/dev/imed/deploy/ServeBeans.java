package dev.imed.deploy;

import dev.imed.core.image.GuardedImageDecoder;
import dev.imed.deploy.batch.BatchPolicy;
import dev.imed.deploy.batch.DynamicBatcher;
import dev.imed.deploy.inference.Admission;
import dev.imed.deploy.inference.InferenceService;
import dev.imed.deploy.metrics.ServeMetrics;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.ModelLoader;
import dev.imed.deploy.model.RegistryWatcher;
import dev.imed.model.registry.StudentRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires the framework-free serving parts into the Micronaut context, from the {@link ServeConfig}
 * that the context's {@value ServeConfig#PREFIX}* properties describe (see {@link ServeConfig#micronautProperties()}).
 */
@Factory
class ServeBeans {

    @Singleton
    ServeConfig serveConfig(PropertyResolver properties) {
        ServeConfig config = ServeConfig.fromProperties(name -> properties.get(name, String.class).orElse(null));
        config.checkExposure();
        return config;
    }

    @Singleton
    @Bean(preDestroy = "close")
    LiveModel liveModel() {
        return new LiveModel();
    }

    @Singleton
    ServeMetrics serveMetrics(MeterRegistry registry, LiveModel live) {
        return new ServeMetrics(registry, live);
    }

    @Singleton
    @Bean(preDestroy = "close")
    DynamicBatcher batcher(ServeConfig config, ServeMetrics metrics) {
        return new DynamicBatcher(BatchPolicy.of(config.maxBatch(), config.maxDelayMs()), metrics);
    }

    /**
     * Created and started with the context, before the HTTP server: the newest good version is loaded
     * by then, so a server is ready when it starts accepting requests.
     */
    @Context
    @Bean(preDestroy = "close")
    RegistryWatcher registryWatcher(ServeConfig config, LiveModel live, ServeMetrics metrics) {
        RegistryWatcher watcher = new RegistryWatcher(new StudentRegistry(config.registry()), live, new ModelLoader()::load,
                config.pollMs(), config.allowSchemaChange(), metrics::reload);
        metrics.watch(watcher);
        watcher.start();
        return watcher;
    }

    @Singleton
    GuardedImageDecoder imageDecoder(ServeConfig config) {
        return new GuardedImageDecoder(config.maxPixels());
    }

    /**
     * The threads that decode large images and parse large JSON bodies: {@code workers} of them with a
     * queue of {@code maxQueuedImages}; a task that finds both full is refused (the request gets 503)
     * rather than queued without bound.
     */
    @Singleton
    @Named(InferenceService.WORKERS)
    @Bean(preDestroy = "shutdownNow")
    ExecutorService decodeWorkers(ServeConfig config) {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workers(), config.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.maxQueuedImages()), r -> {
                    Thread thread = new Thread(r, "imed-decode-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Singleton
    Admission admission(ServeConfig config, ServeMetrics metrics) {
        Admission admission = new Admission(config.maxDecodedBytes(), config.maxQueuedImages(), config.maxPixelsInFlight(),
                metrics::shed);
        metrics.admission(admission);
        return admission;
    }

    @Singleton
    InferenceService inferenceService(LiveModel live, DynamicBatcher batcher, GuardedImageDecoder decoder,
                                      @Named(InferenceService.WORKERS) ExecutorService worker, Admission admission, ServeConfig config) {
        return new InferenceService(live, batcher, decoder, worker, admission, config.requestTimeoutMs());
    }
}
