package dev.imed.experiments.sweep;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.imed.core.bundle.Bundle;
import dev.imed.ensemble.method.Methods;
import dev.imed.ensemble.method.UdaMethod;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.ensemble.train.DivergedException;
import dev.imed.experiments.report.MarkdownTable;
import dev.imed.experiments.report.ResultsJson;
import dev.imed.experiments.stage.StageCache;
import dev.imed.experiments.stage.StageKey;
import dev.imed.experiments.task.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains (or reuses) one component per task, method and seed under a work directory, in a {@link StageCache}
 * keyed by the configuration, so an interrupted sweep continues where it stopped and a finished one is
 * free to rerun. Reports the target accuracy of every run.
 */
public final class ComponentSweep {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentSweep.class);
    /** One finished run. */
    public record Run(Task task, String method, long seed, double accuracy, Path bundle) {}

    private ComponentSweep() {}

    /**
     * The methods' own loss weights live in code, not in the configuration: they are part of a component's
     * key, so that changing one retrains its runs.
     */
    private record ComponentStage(@JsonUnwrapped ComponentConfig config, Map<String, Float> methodWeights) {}

    /** The stage key of a component: its configuration and its methods' loss weights (a component has no input bundle). */
    public static StageKey key(ComponentConfig config) {
        Map<String, Float> weights = new LinkedHashMap<>();
        for (UdaMethod method : Methods.parse(config.method())) {
            weights.put(method.name(), method.weight());
        }
        return StageKey.of("component-" + Methods.canonical(config.method()).replace('+', '_'), new ComponentStage(config, weights));
    }

    /** The components of {@code task} under {@code work}. */
    public static StageCache cache(Path work, Task task) {
        return new StageCache(work.resolve(task.slug()));
    }

    /** Trains the configuration unless a valid bundle of it already exists; returns the bundle. */
    public static Bundle trainOrReuse(Path work, Task task, ComponentConfig config) {
        return trainOrFind(work, task, config).value();
    }

    /** Like {@link #trainOrReuse}, saying whether the bundle was already there. */
    public static StageCache.Found<Bundle> trainOrFind(Path work, Task task, ComponentConfig config) {
        return cache(work, task).bundle(key(config), dir -> ComponentTrainer.train(config, dir));
    }

    public static List<Run> run(Path work, List<Task> tasks, List<String> methods, List<Long> seeds,
                                Function<Task, ComponentConfig> base) {
        List<Run> runs = new ArrayList<>();
        for (Task task : tasks) {
            for (String method : methods) {
                for (long seed : seeds) {
                    ComponentConfig config = base.apply(task).withMethod(method).withSeed(seed);
                    try {
                        Bundle bundle = trainOrReuse(work, task, config);
                        runs.add(new Run(task, Methods.canonical(method), seed, targetAccuracy(bundle), bundle.dir()));
                    } catch (DivergedException e) {
                        // A diverged run is a result too: the table says so and the sweep goes on.
                        LOG.warn("{}", e.getMessage());
                        runs.add(new Run(task, Methods.canonical(method), seed, Double.NaN, null));
                    }
                }
            }
        }
        return runs;
    }

    /** The target accuracy recorded in a bundle's manifest (NaN when the target had no labels). */
    public static double targetAccuracy(Bundle bundle) {
        Object target = bundle.manifest().metrics().get("target");
        if (target instanceof Map<?, ?> m && m.get("accuracy") instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    /** A markdown table: one row per method, one column per task, and the mean over tasks. */
    public static String markdown(List<Run> runs) {
        MarkdownTable table = MarkdownTable.withRowHeader("method");
        runs.forEach(r -> table.add(r.method(), r.task().label(), r.seed(), r.accuracy()));
        return table.render();
    }

    /** Writes {@code results.json} and {@code results.md} into {@code out}. */
    public static void write(Path out, List<Run> runs, String command) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("task", r.task().toString());
            row.put("method", r.method());
            row.put("seed", r.seed());
            row.put("targetAccuracy", r.accuracy());
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", command);
        json.put("runs", rows);
        ResultsJson.write(out.resolve("results.json"), ResultsJson.Kind.COMPONENTS, json);
        String md = "# Component target accuracy (%)\n\nMade by:\n\n```\n" + command + "\n```\n\n" + markdown(runs);
        dev.imed.core.bundle.AtomicFiles.writeString(out.resolve("results.md"), md);
    }
}
