package dev.imed.deploy.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;

/** {@code GET /metrics}: every meter in the Prometheus text format. */
@Controller
public class MetricsController {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Operation(summary = "Metrics in the Prometheus text format",
            description = "imed_requests_seconds (by endpoint and status), imed_batch_images, imed_batch_forward_seconds, "
                    + "imed_model_version, imed_model_reloads_total, and the JVM's meters")
    @Get("/metrics")
    @Produces(PROMETHEUS_TEXT)
    public String metrics() {
        return registry.scrape();
    }
}
