package dev.imed.ensemble.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Mean training loss over consecutive windows of iterations: what tests and reports read to see learning. */
public final class LossCurve {
    private final int window;
    private final List<Double> means = new ArrayList<>();
    private double sum;
    private int count;

    public LossCurve(int window) {
        this.window = window;
    }

    public void add(double loss) {
        sum += loss;
        count++;
        if (count == window) {
            means.add(sum / count);
            sum = 0;
            count = 0;
        }
    }

    public List<Double> means() {
        return List.copyOf(means);
    }

    public double first() {
        return means.isEmpty() ? (count == 0 ? Double.NaN : sum / count) : means.get(0);
    }

    public double last() {
        return count > 0 ? sum / count : means.isEmpty() ? Double.NaN : means.get(means.size() - 1);
    }

    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window", window);
        out.put("first", round(first()));
        out.put("last", round(last()));
        out.put("curve", means.stream().map(LossCurve::round).toList());
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
