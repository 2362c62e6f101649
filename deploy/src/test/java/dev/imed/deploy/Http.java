package dev.imed.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/** A thin wrapper over Micronaut's HTTP client that returns error responses instead of throwing them. */
public final class Http implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client;

    public Http(URI base) {
        try {
            this.client = HttpClient.create(base.toURL());
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
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
            HttpResponse<String> response = client.toBlocking().exchange(request, Argument.STRING, Argument.STRING);
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

    @Override
    public void close() {
        client.close();
    }
}
