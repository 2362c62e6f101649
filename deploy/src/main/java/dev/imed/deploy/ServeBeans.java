package dev.imed.deploy;

import dev.imed.deploy.batch.BatchPolicy;
import dev.imed.deploy.batch.DynamicBatcher;
import dev.imed.deploy.image.ImageDecoder;
import dev.imed.deploy.inference.InferenceService;
import dev.imed.deploy.metrics.ServeMetrics;
import dev.imed.deploy.model.LiveModel;
import dev.imed.deploy.model.ModelLoader;
import dev.imed.deploy.model.RegistryWatcher;
import dev.imed.distill.registry.StudentRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Wires the framework-free serving parts into the Micronaut context, from the {@link ServeConfig}
 * that {@link InferenceServer} registers.
 */
@Factory
class ServeBeans {

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

    @Singleton
    @Bean(preDestroy = "close")
    RegistryWatcher registryWatcher(ServeConfig config, LiveModel live, ServeMetrics metrics) {
        return new RegistryWatcher(new StudentRegistry(config.registry()), live, new ModelLoader(), config.pollMs(), metrics::reload);
    }

    @Singleton
    ImageDecoder imageDecoder(ServeConfig config) {
        return new ImageDecoder(config.maxPixels());
    }

    @Singleton
    InferenceService inferenceService(LiveModel live, DynamicBatcher batcher, ImageDecoder decoder) {
        return new InferenceService(live, batcher, decoder);
    }
}
