package dev.imed.deploy.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Gives the errors Micronaut itself raises (no such route, wrong content type, an oversized body, a
 * query value that is not a number…) the same {@code {"error": "..."}} body as ours, whatever the
 * client accepts. Server faults say no more than that they happened: the details go to the log.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class JsonErrorBodies implements ErrorResponseProcessor<ApiError> {

    @Override
    public MutableHttpResponse<ApiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        String message;
        if (status >= 500) {
            message = "internal server error (" + status + "): see the server log";
        } else {
            message = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
            if (status == 404 && (message.isBlank() || message.equals("Page Not Found"))) {
                message = "no route for " + context.getRequest().getMethodName() + " " + context.getRequest().getPath()
                        + ": the API is /v1/predict and /v2/… (see /openapi.yml)";
            } else if (message.isBlank()) {
                message = response.reason();
            }
        }
        return response.contentType(MediaType.APPLICATION_JSON_TYPE).body(new ApiError(message));
    }
}
