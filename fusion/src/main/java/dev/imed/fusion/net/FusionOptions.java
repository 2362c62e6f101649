package dev.imed.fusion.net;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the method leaves open about a trained fusion, recorded in the teacher bundle's architecture.
 *
 * @param normalizeFeatures scale each component's feature to norm √D per instance before fusing, so that
 *     no component decides the fused feature by the size of its features alone
 * @param startFromAverage add the averaging ensemble's log-probabilities to the fused logits and start the
 *     head at zero: the teacher starts as the averaging ensemble and learns a correction on top of it
 */
public record FusionOptions(boolean normalizeFeatures, boolean startFromAverage) {
    /** The method as published: raw features, a freshly initialised head. */
    public static final FusionOptions PAPER = new FusionOptions(false, false);

    public FusionOptions withNormalizeFeatures(boolean on) {
        return new FusionOptions(on, startFromAverage);
    }

    public FusionOptions withStartFromAverage(boolean on) {
        return new FusionOptions(normalizeFeatures, on);
    }

    /** The entries a bundle's architecture records (none for the published method, so older bundles read the same). */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (normalizeFeatures) {
            map.put("normalizeFeatures", true);
        }
        if (startFromAverage) {
            map.put("startFromAverage", true);
        }
        return map;
    }

    /** Reads the options back from a bundle's architecture map. */
    public static FusionOptions fromMap(Map<String, Object> architecture) {
        return new FusionOptions(Boolean.TRUE.equals(architecture.get("normalizeFeatures")),
                Boolean.TRUE.equals(architecture.get("startFromAverage")));
    }

    @Override
    public String toString() {
        return normalizeFeatures || startFromAverage ? asMap().keySet().toString() : "paper";
    }
}
