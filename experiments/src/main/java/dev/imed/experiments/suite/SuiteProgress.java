package dev.imed.experiments.suite;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's progress line, printed as each stage starts: a bar over all stages, the stage, its task and
 * seed, the time elapsed and an ETA. The ETA prices the remaining stages by the seconds per iteration that
 * stages of the same kind actually took (reused stages cost nothing and teach nothing), so it settles
 * after the first stage of each kind. Trainers draw their own bar below it.
 */
final class SuiteProgress {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final List<Stage> plan;
    private final long began = System.nanoTime();
    private final Map<StageKind, double[]> measured = new EnumMap<>(StageKind.class);

    SuiteProgress(PrintStream out, List<Stage> plan) {
        this.out = out;
        this.plan = plan;
    }

    void begin(int index) {
        if (out == null) {
            return;
        }
        int filled = (int) Math.round(WIDTH * (double) index / plan.size());
        out.printf(Locale.ROOT, "[%s%s] %d/%d %s · elapsed %s · ETA %s%n", "#".repeat(filled), ".".repeat(WIDTH - filled),
                index + 1, plan.size(), plan.get(index).describe(), duration(elapsedSeconds()), eta(index));
        out.flush();
    }

    void end(int index, boolean reused, double seconds) {
        if (reused) {
            return;
        }
        Stage stage = plan.get(index);
        double[] sums = measured.computeIfAbsent(stage.kind(), k -> new double[2]);
        sums[0] += seconds;
        sums[1] += Math.max(1, stage.iterations());
    }

    void finish(long trained, long reused) {
        if (out != null) {
            out.printf(Locale.ROOT, "[%s] %d stages: %d run, %d reused, in %s%n", "#".repeat(WIDTH), plan.size(), trained, reused,
                    duration(elapsedSeconds()));
        }
    }

    double elapsedSeconds() {
        return (System.nanoTime() - began) / 1e9;
    }

    /** The remaining time from stage {@code index} on, or {@code ?} before anything was measured. */
    String eta(int index) {
        double seconds = 0;
        for (int i = index; i < plan.size(); i++) {
            Stage s = plan.get(i);
            double rate = rate(s.kind());
            if (Double.isNaN(rate)) {
                return "?";
            }
            seconds += rate * Math.max(1, s.iterations());
        }
        return duration(seconds);
    }

    private double rate(StageKind kind) {
        double[] own = measured.get(kind);
        if (own != null) {
            return own[0] / own[1];
        }
        if (kind == StageKind.EVALUATION) {
            return 0; // small beside training until measured
        }
        // A kind not yet seen is priced like a component step, the most common one.
        double[] component = measured.get(StageKind.COMPONENT);
        return component == null ? Double.NaN : component[0] / component[1];
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
