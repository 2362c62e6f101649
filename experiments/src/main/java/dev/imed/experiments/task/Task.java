package dev.imed.experiments.task;

import java.util.Arrays;
import java.util.List;

/**
 * One adaptation task: a labelled source and an unlabelled target domain.
 *
 * @param source source domain spec
 * @param target target domain spec
 */
public record Task(String source, String target) {

    /** Parses {@code SOURCE→TARGET}, written {@code SOURCE..TARGET} or {@code SOURCE->TARGET}. */
    public static Task parse(String text) {
        String[] parts = text.contains("->") ? text.split("->", 2) : text.split("\\.\\.", 2);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("task '" + text + "': expected SOURCE->TARGET, e.g. syn->mnist5k");
        }
        return new Task(parts[0].trim(), parts[1].trim());
    }

    public static List<Task> parseAll(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Task::parse).toList();
    }

    /** The three digits tasks of imed's benchmark. */
    public static List<Task> digits() {
        return List.of(new Task("syn", "mnist5k"), new Task("uci1797", "mnist5k"), new Task("mnist5k", "uci1797"));
    }

    /** A short label for tables, e.g. {@code syn→mnist5k}. */
    public String label() {
        return shortName(source) + "→" + shortName(target);
    }

    /** A file-system-safe name. */
    public String slug() {
        return (shortName(source) + "_to_" + shortName(target)).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String shortName(String spec) {
        int slash = spec.lastIndexOf('/');
        int colon = spec.indexOf(':');
        if (slash >= 0) {
            return spec.substring(0, Math.max(colon, 0)) + (colon > 0 ? ":" : "") + spec.substring(slash + 1);
        }
        return spec;
    }

    @Override
    public String toString() {
        return source + "->" + target;
    }
}
