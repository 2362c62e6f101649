package dev.imed.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Opens a domain from the string a user types: a built-in name ({@code syn}, {@code mnist5k},
 * {@code uci1797}) or a layout and a location, e.g. {@code folder:DIR}, {@code office31:ROOT/amazon},
 * {@code officehome:ROOT/Art}, {@code visda:ROOT/validation}, {@code list:FILE}.
 */
public final class Domains {
    private Domains() {}

    public static Domain open(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new DatasetException("empty domain: give a built-in name " + DigitDomains.names()
                    + " or LAYOUT:PATH with LAYOUT one of folder, office31, officehome, visda, list");
        }
        if (DigitDomains.isBuiltIn(spec)) {
            return DigitDomains.open(spec);
        }
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new DatasetException(spec + ": not a built-in domain " + DigitDomains.names()
                    + " and has no LAYOUT: prefix (folder:, office31:, officehome:, visda:, list:)");
        }
        String layout = spec.substring(0, colon);
        String location = spec.substring(colon + 1);
        if (!layouts().contains(layout)) {
            throw new DatasetException(spec + ": unknown layout '" + layout + "' (known: " + String.join(", ", layouts()) + ")");
        }
        if (location.isBlank()) {
            throw new DatasetException(spec + ": no path after '" + layout + ":'");
        }
        Path path = expandHome(location);
        return switch (layout) {
            case "folder" -> ImageFolderDomain.open(path);
            case "office31" -> Office31.open(path);
            case "officehome" -> OfficeHome.open(path);
            case "visda" -> VisDa.open(path);
            case "list" -> ImageListDomain.open(path);
            default -> throw new IllegalStateException("layout " + layout + " listed but not opened");
        };
    }

    /** The layout prefixes {@link #open(String)} understands. */
    public static List<String> layouts() {
        return List.of("folder", "office31", "officehome", "visda", "list");
    }

    /** A leading {@code ~/} means the home directory: the shell does not expand it after {@code folder:}. */
    private static Path expandHome(String location) {
        if (location.equals("~") || location.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + location.substring(1));
        }
        return Path.of(location);
    }
}
