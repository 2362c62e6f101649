package dev.imed.experiments.suite;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imed.core.bundle.Json;
import dev.imed.experiments.report.SuiteResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An evaluation stage's result, as the stage cache keeps it: a confusion matrix per row, and the members'
 * headroom rates.
 */
record CachedEvaluation(Map<String, long[][]> matrices, Map<String, Object> headroom) {

    /** The cached file's content. */
    Map<String, Object> json(List<String> classNames) {
        return Map.of("classNames", classNames, "matrices", matrices, "headroom", headroom);
    }

    /** A cached evaluation, or nothing when the file must be evaluated again. */
    static Optional<CachedEvaluation> read(Path file) {
        try {
            Map<String, Object> cached = Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
            if (!(cached.get("headroom") instanceof Map<?, ?>)) {
                return Optional.empty(); // made before headroom and entropy-weighted averaging were measured: evaluate again
            }
            return Optional.of(new CachedEvaluation(
                    Json.MAPPER.convertValue(cached.get("matrices"), new TypeReference<LinkedHashMap<String, long[][]>>() {}),
                    Json.MAPPER.convertValue(cached.get("headroom"), new TypeReference<LinkedHashMap<String, Object>>() {})));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // unreadable: evaluate again
        }
    }

    /** The headroom of this task and seed's members, a missing rate as NaN. */
    SuiteResults.HeadroomRun headroomRun(String task, long seed) {
        return new SuiteResults.HeadroomRun(task, seed, rate("oracle"), rate("bestMemberWrongAnotherRight"),
                rate("confidentMinorityRight"), rate("meanPairwiseDisagreement"));
    }

    private double rate(String key) {
        return headroom.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
