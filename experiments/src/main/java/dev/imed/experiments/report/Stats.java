package dev.imed.experiments.report;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation of a few runs, formatted as tables print them. */
public record Stats(double mean, double sd, int n) {

    public static Stats of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new Stats(Double.NaN, Double.NaN, 0);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Stats(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
    }

    /** {@code 71.3 ± 2.1} for several runs, {@code 71.3} for one. */
    public String format() {
        if (n == 0) {
            return "–";
        }
        if (Double.isNaN(mean)) {
            return "diverged";
        }
        return n > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", mean, sd) : String.format(Locale.ROOT, "%.1f", mean);
    }
}
