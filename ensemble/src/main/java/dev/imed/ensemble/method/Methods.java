package dev.imed.ensemble.method;

import dev.imed.ensemble.method.alignment.Cdan;
import dev.imed.ensemble.method.alignment.Dann;
import dev.imed.ensemble.method.selftraining.Mcc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry of UDA methods by name. Names compose with {@code +}: {@code cdan+mcc} trains with
 * both losses, {@code cdan+e+mcc} with entropy-conditioned CDAN and MCC.
 */
public final class Methods {
    private static final Map<String, Supplier<UdaMethod>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put(SourceOnly.NAME, SourceOnly::new);
        REGISTRY.put(SourceOnlySharedBn.NAME, SourceOnlySharedBn::new);
        REGISTRY.put(Dann.NAME, Dann::new);
        REGISTRY.put(Cdan.NAME, () -> new Cdan(false));
        REGISTRY.put(Cdan.NAME_ENTROPY, () -> new Cdan(true));
        REGISTRY.put(Mcc.NAME, Mcc::new);
    }

    private Methods() {}

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** The methods named by {@code spec}, e.g. {@code dann}, {@code cdan+e}, {@code cdan+mcc}. */
    public static List<UdaMethod> parse(String spec) {
        String normalized = spec.trim().toLowerCase();
        if (normalized.equals("erm") || normalized.equals("source") || normalized.equals(SourceOnly.NAME)) {
            return List.of(new SourceOnly());
        }
        // Limit −1 keeps trailing empty tokens, so that "cdan+" is rejected rather than read as "cdan".
        String[] tokens = normalized.split("\\+", -1);
        List<UdaMethod> methods = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (i + 1 < tokens.length && REGISTRY.containsKey(token + "+" + tokens[i + 1])) {
                token = token + "+" + tokens[++i];
            }
            Supplier<UdaMethod> factory = REGISTRY.get(token);
            if (factory == null || token.isEmpty()) {
                throw new IllegalArgumentException("unknown method '" + token + "' in '" + spec + "' (known: "
                        + String.join(", ", REGISTRY.keySet()) + "; combine with +, e.g. cdan+mcc)");
            }
            methods.add(factory.get());
        }
        return methods;
    }

    /**
     * The methods' own loss weights where they differ from 1, e.g. {@code |dann×0.1}, empty when all
     * are 1: part of a cached run's key, so that changing a method's weight retrains its runs.
     */
    public static String weightsKey(String spec) {
        StringBuilder key = new StringBuilder();
        for (UdaMethod m : parse(spec)) {
            if (m.weight() != 1f) {
                key.append('|').append(m.name()).append('×').append(m.weight());
            }
        }
        return key.toString();
    }

    /** The canonical name of a composition. */
    public static String canonical(String spec) {
        return String.join("+", parse(spec).stream().map(UdaMethod::name).toList());
    }
}
