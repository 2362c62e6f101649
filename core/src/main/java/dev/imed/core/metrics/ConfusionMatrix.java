package dev.imed.core.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts of (true class, predicted class), with accuracy, per-class accuracy and mean class accuracy. */
public final class ConfusionMatrix {
    private final List<String> classNames;
    private final long[][] counts;

    public ConfusionMatrix(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
        this.counts = new long[classNames.size()][classNames.size()];
    }

    public void add(int truth, int predicted) {
        counts[truth][predicted]++;
    }

    public void addAll(long[] truth, long[] predicted) {
        for (int i = 0; i < truth.length; i++) {
            add((int) truth[i], (int) predicted[i]);
        }
    }

    public List<String> classNames() {
        return classNames;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    /** Top-1 accuracy in percent. */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < counts.length; c++) {
            correct += counts[c][c];
        }
        long n = total();
        return n == 0 ? 0 : 100.0 * correct / n;
    }

    /** Accuracy of each class in percent (NaN for a class with no images). */
    public double[] perClassAccuracy() {
        double[] acc = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            long n = 0;
            for (long v : counts[c]) {
                n += v;
            }
            acc[c] = n == 0 ? Double.NaN : 100.0 * counts[c][c] / n;
        }
        return acc;
    }

    /** Mean of the per-class accuracies over classes that have images, as VisDA-2017 reports it. */
    public double meanClassAccuracy() {
        double sum = 0;
        int n = 0;
        for (double a : perClassAccuracy()) {
            if (!Double.isNaN(a)) {
                sum += a;
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** A JSON-friendly summary. */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", total());
        out.put("accuracy", round(accuracy()));
        out.put("meanClassAccuracy", round(meanClassAccuracy()));
        Map<String, Object> perClass = new LinkedHashMap<>();
        double[] acc = perClassAccuracy();
        for (int c = 0; c < acc.length; c++) {
            perClass.put(classNames.get(c), Double.isNaN(acc[c]) ? null : round(acc[c]));
        }
        out.put("perClassAccuracy", perClass);
        return out;
    }

    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
