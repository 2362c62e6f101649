package dev.imed.ensemble;

/** Comparisons of large float arrays that keep assertion messages short. */
public final class TestArrays {
    private TestArrays() {}

    /** The largest |a[i] − b[i]|; infinite when the lengths differ. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
