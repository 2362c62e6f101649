package dev.imed.deploy.api;

import dev.imed.deploy.metrics.ServeMetrics;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Times every request, rejected ones included, by endpoint and status. Runs before the API-key check. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestMetricsFilter implements Ordered {
    static final String STARTED = "imed.started";

    private final ServeMetrics metrics;

    public RequestMetricsFilter(ServeMetrics metrics) {
        this.metrics = metrics;
    }

    @RequestFilter
    public void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        Long started = request.getAttribute(STARTED, Long.class).orElse(null);
        if (started != null) {
            metrics.request(Endpoints.of(request.getPath()), response.code(), System.nanoTime() - started);
        }
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
