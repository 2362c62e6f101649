package dev.imed.deploy.api;

import dev.imed.deploy.Rejected;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Turns a {@link Rejected} into its status and {@code {"error": "..."}}. */
@Produces
@Singleton
@Requires(classes = {Rejected.class, ExceptionHandler.class})
public class RejectedHandler implements ExceptionHandler<Rejected, HttpResponse<ApiError>> {

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, Rejected exception) {
        var response = HttpResponse.<ApiError>status(HttpStatus.valueOf(exception.status()))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(new ApiError(exception.getMessage()));
        if (exception.kind() == Rejected.Kind.BUSY) {
            response.header("Retry-After", "1");
        }
        return response;
    }
}
