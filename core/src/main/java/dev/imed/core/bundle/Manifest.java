package dev.imed.core.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imed.core.transform.InputSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of a bundle: what the model is, how it was made and how to feed it.
 *
 * @param format bundle format version
 * @param kind {@code component}, {@code teacher} or {@code student}
 * @param method how it was trained (e.g. {@code dann}, {@code cdan+mcc}, {@code imed}, {@code distill})
 * @param architecture enough to rebuild the network before loading its weights (backbone name, widths…)
 * @param classNames class names, indexed by label
 * @param input the input spec
 * @param training the training configuration
 * @param seed the seed
 * @param source source domain
 * @param target target domain
 * @param metrics measured figures (e.g. target accuracy)
 * @param lineage the bundles this one was made from: name → sha256 of their weights
 * @param created ISO-8601 time of creation
 * @param weightsSha256 sha256 of {@code weights.params}
 * @param version registry version (students), 0 otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int format,
        String kind,
        String method,
        Map<String, Object> architecture,
        List<String> classNames,
        InputSpec input,
        Map<String, Object> training,
        long seed,
        String source,
        String target,
        Map<String, Object> metrics,
        Map<String, String> lineage,
        String created,
        String weightsSha256,
        long version) {

    public static final int FORMAT = 1;

    public Manifest {
        architecture = architecture == null ? Map.of() : new LinkedHashMap<>(architecture);
        training = training == null ? Map.of() : new LinkedHashMap<>(training);
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
        lineage = lineage == null ? Map.of() : new LinkedHashMap<>(lineage);
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    public Manifest withWeights(String sha256) {
        return new Manifest(format, kind, method, architecture, classNames, input, training, seed, source, target,
                metrics, lineage, created, sha256, version);
    }

    public Manifest withMetrics(Map<String, Object> newMetrics) {
        return new Manifest(format, kind, method, architecture, classNames, input, training, seed, source, target,
                newMetrics, lineage, created, weightsSha256, version);
    }

    public Manifest withVersion(long newVersion) {
        return new Manifest(format, kind, method, architecture, classNames, input, training, seed, source, target,
                metrics, lineage, created, weightsSha256, newVersion);
    }

    /** A string value of the architecture map, or an error that names the missing key. */
    public String architectureString(String key) {
        Object value = architecture.get(key);
        if (value == null) {
            throw new BundleException("manifest: architecture." + key + " is missing");
        }
        return value.toString();
    }

    public int architectureInt(String key) {
        Object value = architecture.get(key);
        if (!(value instanceof Number n)) {
            throw new BundleException("manifest: architecture." + key + " is missing or not a number");
        }
        return n.intValue();
    }
}
