package dev.imed.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Sends requests through a Micronaut {@link HttpClient} (the one a test has injected) and returns
 * error responses as replies instead of throwing them, so that a test can assert status and body alike.
 */
public final class Http {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final BlockingHttpClient client;

    public Http(HttpClient client) {
        this.client = client.toBlocking();
    }

    /** A response: status, body text and content type. */
    public record Reply(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        public String error() {
            JsonNode error = json().get("error");
            return error == null ? null : error.asText();
        }
    }

    public Reply send(MutableHttpRequest<?> request) {
        try {
            HttpResponse<String> response = client.exchange(request, Argument.STRING, Argument.STRING);
            return new Reply(response.code(), response.body(), response.getContentType().map(Object::toString).orElse(""));
        } catch (HttpClientResponseException e) {
            HttpResponse<?> response = e.getResponse();
            return new Reply(response.code(), response.getBody(String.class).orElse(""),
                    response.getContentType().map(Object::toString).orElse(""));
        }
    }

    public Reply get(String path) {
        return send(HttpRequest.GET(path));
    }

    public Reply postJson(String path, String json) {
        return send(HttpRequest.POST(path, json).contentType("application/json"));
    }

    public Reply postBytes(String path, byte[] body, String contentType) {
        return send(HttpRequest.POST(path, body).contentType(contentType));
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
