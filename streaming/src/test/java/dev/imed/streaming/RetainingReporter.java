package dev.imed.streaming;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter that keeps each metric's last value after its task ends, since the embedded
 * cluster of a finished job (and with it any reporter's live metrics) is gone when a test looks.
 * Values are kept per metric identifier (which names the task and subtask).
 */
public final class RetainingReporter implements MetricReporter {
    private static final Map<String, Metric> LIVE = new ConcurrentHashMap<>();
    private static final Map<String, Object> LAST = new ConcurrentHashMap<>();

    /** The configuration that installs this reporter. */
    public static Map<String, String> options() {
        return Map.of("metrics.reporter.retaining.factory.class", Factory.class.getName());
    }

    public static void clear() {
        LIVE.clear();
        LAST.clear();
    }

    /** The last values of the metrics whose identifier ends with {@code .name}. */
    public static List<Object> values(String name) {
        LIVE.forEach((id, metric) -> LAST.put(id, snapshot(metric)));
        return LAST.entrySet().stream().filter(e -> e.getKey().endsWith("." + name)).map(Map.Entry::getValue).toList();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {
        LIVE.forEach((id, metric) -> LAST.put(id, snapshot(metric)));
        LIVE.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        LIVE.put(group.getMetricIdentifier(name), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String id = group.getMetricIdentifier(name);
        LAST.put(id, snapshot(metric));
        LIVE.remove(id);
    }

    /** A counter's count, a gauge's value, a meter's (rate, count), a histogram's (count, mean). */
    private static Object snapshot(Metric metric) {
        if (metric instanceof Counter c) {
            return c.getCount();
        }
        if (metric instanceof Gauge<?> g) {
            return String.valueOf(g.getValue());
        }
        if (metric instanceof Meter m) {
            return new double[] {m.getRate(), m.getCount()};
        }
        if (metric instanceof Histogram h) {
            return new double[] {h.getCount(), h.getStatistics().getMean()};
        }
        return metric.toString();
    }

    /** Found by Flink through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new RetainingReporter();
        }
    }
}
