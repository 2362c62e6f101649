package dev.imed.experiments.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imed.core.bundle.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one results schema: every results file (a suite's, a component, fusion or lever sweep's) is a JSON
 * object that starts {@code "schema": "imed.results/1", "kind": "suite|components|teachers|levers"} and
 * goes on with that kind's own fields. A reader checks both before it trusts the rest; a change a reader
 * of version 1 would misread gets a new version.
 */
public final class ResultsJson {
    public static final String SCHEMA = "imed.results/1";

    /** What a results file holds. */
    public enum Kind {
        SUITE, COMPONENTS, TEACHERS, LEVERS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private ResultsJson() {}

    /** Writes {@code body} (a record or a map of the kind's fields) into the envelope, atomically. */
    public static void write(Path file, Kind kind, Object body) {
        // A tree, not a map: numbers keep the type they were written with (a float prints as the float it is).
        ObjectNode fields = Json.MAPPER.valueToTree(body);
        if (fields.has("schema") || fields.has("kind")) {
            throw new IllegalArgumentException("a results body must not name its own schema or kind");
        }
        ObjectNode json = Json.MAPPER.createObjectNode().put("schema", SCHEMA).put("kind", kind.id());
        json.setAll(fields);
        Json.writeFile(file, json);
    }

    /** Reads a results file of {@code kind}, refusing another schema or kind. */
    public static Map<String, Object> read(Path file, Kind kind) {
        Map<String, Object> json;
        try {
            json = Json.MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": unreadable results: " + e.getMessage(), e);
        }
        if (!SCHEMA.equals(json.get("schema")) || !kind.id().equals(json.get("kind"))) {
            throw new IllegalArgumentException(file + ": not " + SCHEMA + " results of kind " + kind.id() + " (schema "
                    + json.get("schema") + ", kind " + json.get("kind") + ")");
        }
        return json;
    }
}
