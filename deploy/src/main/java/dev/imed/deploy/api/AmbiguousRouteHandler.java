package dev.imed.deploy.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.DuplicateRouteHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.web.router.exceptions.DuplicateRouteException;
import jakarta.inject.Singleton;

/**
 * A POST to {@code /v1/predict} without a Content-Type matches both of its routes (raw image and
 * multipart), and Micronaut would answer with a routing error; say what is missing instead.
 */
@Produces
@Singleton
@Replaces(DuplicateRouteHandler.class)
@Requires(classes = {DuplicateRouteException.class, ExceptionHandler.class})
public class AmbiguousRouteHandler implements ExceptionHandler<DuplicateRouteException, HttpResponse<ApiError>> {

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, DuplicateRouteException exception) {
        if (request.getContentType().isEmpty()) {
            return HttpResponse.<ApiError>status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(new ApiError("the request has no Content-Type header: send image/png, image/jpeg, image/gif, "
                            + "image/bmp or multipart/form-data"));
        }
        return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(new ApiError(exception.getMessage()));
    }
}
