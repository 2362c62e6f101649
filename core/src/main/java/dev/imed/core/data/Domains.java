package dev.imed.core.data;

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
        throw new DatasetException(spec + ": unknown layout '" + layout
                + "' (known: folder, office31, officehome, visda, list)");
    }
}
