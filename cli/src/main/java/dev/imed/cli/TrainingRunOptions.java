package dev.imed.cli;

import picocli.CommandLine.Option;

/**
 * The iteration budget and seed of one training run, shared by {@code train component}, {@code train teacher}
 * and {@code distill}. {@code --iters}, the budget's old name, is still accepted but hidden from help.
 */
final class TrainingRunOptions {
    @Option(names = "--iterations", description = "iteration budget (default: ${DEFAULT-VALUE})")
    int iterations;
    /** The old name, hidden from help but still accepted. */
    @Option(names = "--iters", hidden = true)
    void iters(int value) {
        iterations = value;
    }
    @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    /** The usual budget, 2000 iterations; picocli creates the mixin this way. */
    TrainingRunOptions() {
        this(2000);
    }

    /**
     * Another default budget, for a command that creates its mixin itself: picocli keeps an instance it
     * finds in the field and shows its initial value as the default.
     */
    TrainingRunOptions(int defaultIterations) {
        iterations = defaultIterations;
    }
}
