package dev.imed.ensemble.method;

import dev.imed.core.plugin.Registry;
import java.util.ArrayList;
import java.util.List;

/**
 * The UDA methods by name: every {@link UdaMethod} registered with
 * {@code @AutoService(UdaMethod.class)}. Names compose with {@code +}: {@code cdan+mcc} trains with
 * both losses, {@code cdan+e+mcc} with entropy-conditioned CDAN and MCC.
 */
public final class Methods {
    private static final Registry<UdaMethod> REGISTRY = Registry.load(UdaMethod.class, UdaMethod::name, "method");

    private Methods() {}

    /** The registered names, sorted. */
    public static List<String> names() {
        return REGISTRY.names();
    }

    /** The methods named by {@code spec}, e.g. {@code dann}, {@code cdan+e}, {@code cdan+mcc}, each a fresh instance. */
    public static List<UdaMethod> parse(String spec) {
        String normalized = spec.trim().toLowerCase();
        if (normalized.equals("erm") || normalized.equals("source")) {
            return List.of(REGISTRY.create(SourceOnly.NAME));
        }
        // Limit −1 keeps trailing empty tokens, so that "cdan+" is rejected rather than read as "cdan".
        String[] tokens = normalized.split("\\+", -1);
        List<UdaMethod> methods = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            // A registered name may itself contain a '+' (cdan+e): the longer reading wins.
            if (i + 1 < tokens.length && REGISTRY.contains(token + "+" + tokens[i + 1])) {
                token = token + "+" + tokens[++i];
            }
            if (token.isEmpty() || !REGISTRY.contains(token)) {
                throw new IllegalArgumentException("unknown method '" + token + "' in '" + spec + "' ("
                        + REGISTRY.known() + "; combine with +, e.g. cdan+mcc)");
            }
            methods.add(REGISTRY.create(token));
        }
        return methods;
    }

    /** The canonical name of a composition. */
    public static String canonical(String spec) {
        return String.join("+", parse(spec).stream().map(UdaMethod::name).toList());
    }
}
