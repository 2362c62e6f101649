package dev.imed.experiments.stage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.imed.fusion.net.FusionKind;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The content address of a stage: the sha256 of the canonical JSON of its kind, its configuration and the
 * digests of its inputs (the sha256 of their weights, which their manifests record). Nothing else counts,
 * so the same stage made anywhere has the same key, and a work directory moved elsewhere still hits.
 *
 * @param kind what the stage makes, e.g. {@code teacher-imed}; it also starts the stage's directory name
 * @param seed the configuration's {@code seed}, shown in the directory name, or null when it has none
 * @param sha256 the key, 64 hex digits
 */
public record StageKey(String kind, Long seed, String sha256) {
    private static final Pattern READABLE_KIND = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    /**
     * Canonical JSON: map entries and properties (record components too) in alphabetical order, so that
     * reordering a record's fields or building a map in another order leaves the key as it was.
     */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .addModule(new SimpleModule("stage-key")
                    .addSerializer(FusionKind.class, new FusionKindById())
                    .addSerializer(Path.class, new NoPaths()))
            .build();

    public StageKey {
        if (!READABLE_KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("a stage kind names a directory: letters, digits, '.', '_' or '-', got '" + kind + "'");
        }
    }

    /**
     * The key of a stage of {@code kind} made with {@code config} from inputs with these weight digests.
     * The configuration must name no bundle by its path (a path is where a bundle is, not what it is): leave
     * such fields empty and pass the bundle's digest instead.
     */
    public static StageKey of(String kind, Object config, String... inputDigests) {
        return of(kind, config, Arrays.asList(inputDigests));
    }

    public static StageKey of(String kind, Object config, List<String> inputDigests) {
        for (String digest : inputDigests) {
            if (digest == null || !DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("an input digest is the sha256 of a bundle's weights, got " + digest);
            }
        }
        JsonNode configJson = CANONICAL.valueToTree(config);
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put("kind", kind);
        keyed.put("config", configJson);
        keyed.put("inputs", List.copyOf(inputDigests));
        Long seed = configJson.path("seed").isIntegralNumber() ? configJson.get("seed").longValue() : null;
        return new StageKey(kind, seed, sha256(canonicalJson(keyed)));
    }

    /** The configuration and inputs as the key hashes them. */
    static String canonicalJson(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stage's directory (or file stem) name: {@code <kind>-seed<S>-<first 10 hex digits of the key>}. */
    public String directoryName() {
        return kind + (seed == null ? "" : "-seed" + seed) + "-" + sha256.substring(0, 10);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fusion by the name users type and bundles record. */
    private static final class FusionKindById extends JsonSerializer<FusionKind> {
        @Override
        public void serialize(FusionKind value, JsonGenerator gen, SerializerProvider serializers) throws java.io.IOException {
            gen.writeString(value.id());
        }
    }

    /** Refuses a path in a key, which would make a moved cache miss. */
    private static final class NoPaths extends JsonSerializer<Path> {
        @Override
        public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) {
            throw new IllegalArgumentException("a stage key names its inputs by digest, not by path: " + value);
        }
    }
}
