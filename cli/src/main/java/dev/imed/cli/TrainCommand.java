package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed train …}: train one model and write its bundle. */
@Command(name = "train", description = "Train a component (or, with later stages, a teacher).",
        subcommands = {TrainCommand.Component.class})
final class TrainCommand {

    @Command(name = "component", mixinStandardHelpOptions = true,
            description = "Train one component model with a UDA method and write its bundle.")
    static final class Component implements Callable<Integer> {
        @Option(names = "--method", required = true, description = "source-only, dann, cdan, cdan+e, mcc; combine with +, e.g. cdan+mcc")
        String method;
        @Option(names = "--source", required = true, description = "labelled source domain (e.g. syn, folder:DIR, office31:ROOT/amazon)")
        String source;
        @Option(names = "--target", required = true, description = "unlabelled target domain")
        String target;
        @Option(names = "--out", required = true, description = "bundle directory to write")
        Path out;
        @Option(names = "--backbone", description = "lenet (digits), resnet18, resnet50, torchscript:FILE (default: ${DEFAULT-VALUE})", defaultValue = "lenet")
        String backbone;
        @Option(names = "--iters", description = "iteration budget (default: ${DEFAULT-VALUE})", defaultValue = "2000")
        int iterations;
        @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--lr", defaultValue = "0.01", description = "base learning rate (default: ${DEFAULT-VALUE})")
        float lr;
        @Option(names = "--batch", defaultValue = "32", description = "images per domain per step (default: ${DEFAULT-VALUE})")
        int batch;

        @Override
        public Integer call() {
            ComponentConfig config = ComponentConfig.digits(method, source, target)
                    .withBackbone(backbone).withIterations(iterations).withSeed(seed).withLr(lr).withBatchSize(batch);
            Bundle bundle = ComponentTrainer.train(config, out);
            System.out.println("component bundle: " + bundle.dir());
            Object target = bundle.manifest().metrics().get("target");
            if (target instanceof java.util.Map<?, ?> m) {
                System.out.println("target accuracy: " + m.get("accuracy") + "%");
            }
            return 0;
        }
    }
}
