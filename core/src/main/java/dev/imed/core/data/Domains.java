package dev.imed.core.data;

import dev.imed.core.plugin.Registry;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a domain from the string a user types: a built-in name ({@code syn}, {@code mnist5k},
 * {@code uci1797}) or a layout and a location, e.g. {@code folder:DIR}, {@code office31:ROOT/amazon},
 * {@code officehome:ROOT/Art}, {@code visda:ROOT/validation}, {@code list:FILE}. Layouts are the
 * {@link DomainLayout} plug-ins found on the class path.
 */
public final class Domains {
    private static final Registry<DomainLayout> LAYOUTS = Registry.load(DomainLayout.class, DomainLayout::name, "layout");

    private Domains() {}

    public static Domain open(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new DatasetException("empty domain: give a built-in name " + DigitDomains.names()
                    + " or LAYOUT:PATH with LAYOUT one of " + String.join(", ", layouts()));
        }
        if (DigitDomains.isBuiltIn(spec)) {
            return DigitDomains.open(spec);
        }
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new DatasetException(spec + ": not a built-in domain " + DigitDomains.names()
                    + " and has no LAYOUT: prefix (" + String.join(", ", layouts().stream().map(l -> l + ":").toList()) + ")");
        }
        String layout = spec.substring(0, colon);
        String location = spec.substring(colon + 1);
        if (!LAYOUTS.contains(layout)) {
            throw new DatasetException(spec + ": unknown layout '" + layout + "' (known: " + String.join(", ", layouts()) + ")");
        }
        if (location.isBlank()) {
            throw new DatasetException(spec + ": no path after '" + layout + ":'");
        }
        Path path = expandHome(location);
        return LAYOUTS.get(layout).open(path);
    }

    /** The layout prefixes {@link #open(String)} understands, sorted. */
    public static List<String> layouts() {
        return LAYOUTS.names();
    }

    /** A leading {@code ~/} means the home directory: the shell does not expand it after {@code folder:}. */
    private static Path expandHome(String location) {
        if (location.equals("~") || location.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + location.substring(1));
        }
        return Path.of(location);
    }
}
