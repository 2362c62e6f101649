package dev.imed.deploy.api;

import dev.imed.deploy.Rejected;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /openapi.yml}: the OpenAPI document that micronaut-openapi wrote at compile time. */
@Controller
@Hidden
public class OpenApiController {
    /** Named by {@code -Amicronaut.openapi.filename} in deploy/pom.xml. */
    static final String RESOURCE = "META-INF/swagger/imed-inference-api.yml";

    private final String document;

    public OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            document = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": unreadable", e);
        }
    }

    @Get("/openapi.yml")
    @Produces("application/yaml")
    public String openApi() {
        if (document == null) {
            throw new Rejected(Rejected.Kind.NOT_READY, "this build carries no OpenAPI document");
        }
        return document;
    }
}
