package dev.imed.ensemble.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.imed.core.memory.ResidentMemory;
import dev.imed.core.progress.Progress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop every trainer in imed runs: for a fixed iteration budget, compute the loss of one step
 * inside a gradient collector, update with Nesterov SGD at the annealed rate, checkpoint now and
 * then. Each step's arrays live in a sub-manager closed at the end of the step, so memory stays
 * flat however long the run.
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /** Computes one step's loss; arrays must be created in (or attached to) {@code step}. */
    @FunctionalInterface
    public interface StepLoss {
        NDArray loss(NDManager step, long iteration, double progress);
    }

    /**
     * Runs after every accepted step, outside gradient recording, with the number of iterations done:
     * where a trainer looks at its model mid-run (e.g. keeps an iterate to choose from later).
     */
    @FunctionalInterface
    public interface AfterStep {
        void accept(long iterationsDone);
    }

    /**
     * @param task name shown on the progress bar
     * @param iterations the budget
     * @param imagesPerStep images seen per step (for images/s)
     * @param rate the learning rate schedule
     * @param checkpointEvery iterations between checkpoints (0: never)
     * @param samRho when positive, sharpness-aware minimisation with this radius (the step loss is then
     *     computed twice per iteration and must return the same batch both times)
     */
    public record Options(String task, long iterations, int imagesPerStep, LearningRate rate, long checkpointEvery,
                          float samRho) {
        public Options(String task, long iterations, int imagesPerStep, LearningRate rate, long checkpointEvery) {
            this(task, iterations, imagesPerStep, rate, checkpointEvery, 0f);
        }
    }

    /** What a run did. */
    public record Result(LossCurve curve, long iterations, long resumedFrom, double seconds, double imagesPerSecond,
                         double rssStartMb, double rssEndMb, long skippedSteps, int rollBacks) {
        /** What a bundle's manifest records of the run: loss curve, time, resumption, skipped steps. */
        public java.util.Map<String, Object> summary() {
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
            map.put("loss", curve.summary());
            map.put("seconds", Math.round(seconds * 10) / 10.0);
            map.put("imagesPerSecond", Math.round(imagesPerSecond));
            map.put("rssMb", java.util.Map.of("afterWarmUp", Math.round(rssStartMb), "atEnd", Math.round(rssEndMb)));
            if (resumedFrom > 0) {
                // The run continued from a checkpoint: the loss curve and timings cover only the rest.
                map.put("resumedFrom", resumedFrom);
            }
            if (skippedSteps > 0) {
                map.put("skippedSteps", skippedSteps);
            }
            if (rollBacks > 0) {
                map.put("rollBacks", rollBacks);
            }
            return map;
        }
    }

    /** A run stops as diverged after this many skipped steps (non-finite or spiking losses) in a row; fewer are skipped. */
    static final int MAX_CONSECUTIVE_SKIPPED = 10;

    /**
     * A finite loss above {@code SPIKE_FACTOR} × the median of the last {@code SPIKE_HISTORY} accepted
     * losses (and above {@code SPIKE_FLOOR}) is a spike, skipped like a non-finite one: weights that
     * blow up show as losses of 1e10 long before they overflow, and would otherwise train on.
     */
    static final float SPIKE_FACTOR = 100f;
    static final int SPIKE_HISTORY = 50;
    static final float SPIKE_FLOOR = 10f;

    /** Iterations between the in-memory snapshots a diverged run rolls back to, and how many roll-backs a run gets. */
    static final int SNAPSHOT_EVERY = 100;
    static final int MAX_ROLL_BACKS = 3;

    private TrainingLoop() {}

    public static Result run(NDManager manager, NesterovSgd optimizer, Checkpoint checkpoint, Options options, StepLoss stepLoss) {
        return run(manager, optimizer, checkpoint, options, stepLoss, done -> { });
    }

    /** As {@link #run(NDManager, NesterovSgd, Checkpoint, Options, StepLoss)}, calling {@code afterStep} after each accepted step. */
    public static Result run(NDManager manager, NesterovSgd optimizer, Checkpoint checkpoint, Options options, StepLoss stepLoss,
                             AfterStep afterStep) {
        long start = checkpoint == null ? 0 : checkpoint.restore(manager);
        LossCurve curve = new LossCurve(Math.max(1, (int) Math.min(100, options.iterations() / 20)));
        Engine engine = Engine.getInstance();
        long began = System.nanoTime();
        // Resident memory once the first steps have allocated what a step needs, and at the end: equal if nothing leaks.
        long settle = start + Math.max(1, (options.iterations() - start) / 10);
        double rssStart = -1;
        long logEvery = Long.getLong("imed.rss.every", 0);
        long skipped = 0;
        int consecutiveSkipped = 0;
        Checkpoint.Snapshot snapshot = null;
        long snapshotAt = 0;
        int rollBacks = 0;
        float[] recent = new float[SPIKE_HISTORY];
        long accepted = 0;
        try (Progress progress = Progress.start(options.task(), options.iterations(), start)) {
            for (long it = start; it < options.iterations(); it++) {
                double done = it / (double) options.iterations();
                float loss;
                String reason = null; // why this step is skipped, if it is
                try (NDManager step = manager.newSubManager()) {
                    // The forward's activations are freed once backward is done, before the update allocates its own,
                    // as PyTorch frees its graph. SAM computes the loss twice on inputs the step loss may keep, so
                    // there they live for the whole step.
                    try (NDManager forward = options.samRho() > 0 ? null : step.newSubManager();
                         GradientCollector collector = engine.newGradientCollector()) {
                        NDArray value = stepLoss.loss(forward != null ? forward : step, it, done);
                        collector.backward(value);
                        loss = value.getFloat();
                    }
                    if (Float.isFinite(loss) && accepted >= SPIKE_HISTORY && loss > spikeThreshold(recent)) {
                        reason = String.format(Locale.ROOT, "loss %.3g, over %.0f× the recent median", loss, SPIKE_FACTOR);
                    } else if (!Float.isFinite(loss) || !optimizer.gradientsFinite(step)) {
                        reason = "non-finite loss or gradients";
                    }
                    if (reason != null) {
                        // One bad batch must not poison the weights: drop its gradients, as mixed-precision scalers do.
                        optimizer.zeroGradients(step);
                    } else {
                        if (options.samRho() > 0) {
                            java.util.List<NDArray> moves = optimizer.perturb(options.samRho(), step);
                            try (GradientCollector collector = engine.newGradientCollector()) {
                                collector.backward(stepLoss.loss(step, it, done));
                            }
                            optimizer.restore(moves);
                        }
                        optimizer.step(options.rate().at(it), step);
                    }
                }
                if (reason != null) {
                    skipped++;
                    LOG.warn("{}: iteration {} skipped: {}", options.task(), it, reason);
                    if (++consecutiveSkipped >= MAX_CONSECUTIVE_SKIPPED && snapshot != null && rollBacks < MAX_ROLL_BACKS) {
                        // The weights themselves went bad: go back to the last good state and go on with new batches.
                        checkpoint.rollBack(snapshot);
                        rollBacks++;
                        consecutiveSkipped = 0;
                        LOG.warn("{}: iteration {}: rolled back to iteration {}", options.task(), it, snapshotAt);
                        continue;
                    }
                    if (consecutiveSkipped >= MAX_CONSECUTIVE_SKIPPED) {
                        throw new DivergedException(options.task() + ": the loss or its gradients were not finite or spiked for "
                                + consecutiveSkipped + " iterations in a row, up to iteration " + it + " (lower the learning rate)");
                    }
                    continue;
                }
                consecutiveSkipped = 0;
                recent[(int) (accepted++ % SPIKE_HISTORY)] = loss;
                if (checkpoint != null && (it + 1) % SNAPSHOT_EVERY == 0) {
                    if (snapshot != null) {
                        snapshot.close();
                    }
                    snapshot = checkpoint.snapshot(manager);
                    snapshotAt = it + 1;
                }
                curve.add(loss);
                afterStep.accept(it + 1);
                if (it + 1 == settle) {
                    rssStart = ResidentMemory.currentMb();
                }
                if (logEvery > 0 && (it + 1) % logEvery == 0) {
                    LOG.info("{}: iteration {}, RSS {} MiB", options.task(), it + 1, Math.round(ResidentMemory.currentMb()));
                }
                if (options.checkpointEvery() > 0 && checkpoint != null && (it + 1) % options.checkpointEvery() == 0
                        && it + 1 < options.iterations()) {
                    checkpoint.save(it + 1, curve);
                }
                double seconds = (System.nanoTime() - began) / 1e9;
                progress.step(it + 1, String.format(Locale.ROOT, "loss %.3f, %.0f img/s", curve.last(),
                        (it + 1 - start) * options.imagesPerStep() / Math.max(seconds, 1e-9)));
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long ran = options.iterations() - start;
        if (snapshot != null) {
            snapshot.close();
        }
        return new Result(curve, options.iterations(), start, seconds, ran * options.imagesPerStep() / Math.max(seconds, 1e-9),
                rssStart, ResidentMemory.currentMb(), skipped, rollBacks);
    }

    private static float spikeThreshold(float[] recent) {
        float[] sorted = recent.clone();
        java.util.Arrays.sort(sorted);
        return Math.max(SPIKE_FLOOR, SPIKE_FACTOR * sorted[sorted.length / 2]);
    }
}
