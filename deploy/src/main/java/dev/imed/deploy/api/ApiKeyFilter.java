package dev.imed.deploy.api;

import dev.imed.deploy.ServeConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * When the server has an API key, every request but the health probes and the OpenAPI document must
 * carry it in {@code X-API-Key}; others get 401 before any route runs.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ApiKeyFilter implements Ordered {
    public static final String HEADER = "X-API-Key";

    private final byte[] expected;

    public ApiKeyFilter(ServeConfig config) {
        this.expected = config.apiKey() == null ? null : config.apiKey().getBytes(StandardCharsets.UTF_8);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<ApiError> check(HttpRequest<?> request) {
        if (expected == null || Endpoints.isPublic(request.getPath())) {
            return null;
        }
        String given = request.getHeaders().get(HEADER);
        if (given == null || given.isEmpty()) {
            return unauthorized("this server requires an API key: send it in the " + HEADER + " header");
        }
        // Constant-time comparison, so the response time does not reveal how much of the key matched.
        if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            return unauthorized("the " + HEADER + " header does not hold this server's API key");
        }
        return null;
    }

    private static HttpResponse<ApiError> unauthorized(String message) {
        return HttpResponse.<ApiError>status(HttpStatus.UNAUTHORIZED)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"")
                .body(new ApiError(message));
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 10;
    }
}
