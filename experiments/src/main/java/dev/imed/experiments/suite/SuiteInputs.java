package dev.imed.experiments.suite;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user supplies to a preset's placeholders: {@code {root}} the dataset root, {@code {weights}}
 * the components' TorchScript backbone and {@code {student-weights}} the student's.
 *
 * @param root the dataset root, or null
 * @param backboneWeights a TorchScript backbone for the components, or null
 * @param studentWeights a TorchScript backbone for the student, or null
 */
public record SuiteInputs(Path root, Path backboneWeights, Path studentWeights) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");

    public static SuiteInputs none() {
        return new SuiteInputs(null, null, null);
    }

    /** The value of a placeholder, if given. */
    public Optional<String> value(String placeholder) {
        Path p = switch (placeholder) {
            case "root" -> root;
            case "weights" -> backboneWeights;
            case "student-weights" -> studentWeights;
            default -> throw new IllegalArgumentException("unknown placeholder {" + placeholder
                    + "} (known: {root}, {weights}, {student-weights})");
        };
        return Optional.ofNullable(p).map(x -> x.toAbsolutePath().normalize().toString());
    }

    /** {@code template} with every placeholder filled, or empty when one has no value. */
    public Optional<String> expand(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Optional<String> v = value(m.group(1));
            if (v.isEmpty()) {
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v.get()));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    /** The placeholders {@code template} uses. */
    public static java.util.List<String> placeholders(String template) {
        return PLACEHOLDER.matcher(template).results().map(r -> r.group(1)).toList();
    }
}
