package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed train …}: train one model and write its bundle. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a component or a teacher.",
        subcommands = {TrainCommand.Component.class, TrainCommand.TeacherCommand.class})
final class TrainCommand {

    @Command(name = "component", mixinStandardHelpOptions = true,
            description = "Train one component model with a UDA method and write its bundle.")
    static final class Component implements Callable<Integer> {
        @Option(names = "--method", required = true, completionCandidates = PluginNames.Methods.class,
                description = "one of ${COMPLETION-CANDIDATES}, or several combined with +, e.g. cdan+mcc; source-only forwards the "
                        + "source batch only, source-only-shared-bn the target batch too (through BatchNorm)")
        String method;
        @Option(names = "--source", required = true, description = "labelled source domain (e.g. syn, folder:DIR, office31:ROOT/amazon; "
                + "see imed data info --help)")
        String source;
        @Option(names = "--target", required = true, description = "unlabelled target domain")
        String target;
        @Option(names = "--out", required = true, description = "bundle directory to write")
        Path out;
        @Option(names = "--backbone", completionCandidates = PluginNames.Backbones.class,
                description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})", defaultValue = "lenet")
        String backbone;
        @Option(names = "--iterations", description = "iteration budget (default: ${DEFAULT-VALUE})")
        int iterations = 2000;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--iters", hidden = true)
        void iters(int value) {
            iterations = value;
        }
        @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--lr", defaultValue = "0.01", description = "base learning rate (default: ${DEFAULT-VALUE})")
        float lr;
        @Option(names = "--batch-size", description = "images per domain per step (default: ${DEFAULT-VALUE})")
        int batch = 32;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--batch", hidden = true)
        void batchAlias(int value) {
            batch = value;
        }
        @Option(names = "--trade-off", defaultValue = "1", description = "multiplies each adaptation loss's own weight "
                + "(DANN 0.1, the others 1) (default: ${DEFAULT-VALUE})")
        float tradeOff;
        @Option(names = "--weight-decay", defaultValue = "5e-4", description = "weight decay (default: ${DEFAULT-VALUE})")
        float weightDecay;
        @Option(names = "--init", defaultValue = "pytorch", description = "first weights of convolutions and linear layers: "
                + "pytorch (U(±1/√fan_in), PyTorch's defaults) or djl (N(0, 2/fan_in), zero biases) (default: ${DEFAULT-VALUE})")
        String init;
        @picocli.CommandLine.Mixin
        PreprocessingOptions preprocessing;

        @Override
        public Integer call() {
            ComponentConfig config = ComponentConfig.digits(method, source, target).withBackbone(backbone)
                    .withIterations(iterations).withSeed(seed).withLr(lr).withBatchSize(batch).withTradeOff(tradeOff)
                    .withWeightDecay(weightDecay).withInit(dev.imed.core.init.Initialization.parse(init))
                    .withPreprocessing(preprocessing.resolve(backbone));
            Bundle bundle = ComponentTrainer.train(config, out);
            System.out.println("component bundle: " + bundle.dir());
            Object target = bundle.manifest().metrics().get("target");
            if (target instanceof java.util.Map<?, ?> m) {
                System.out.println("target accuracy: " + m.get("accuracy") + "%");
            }
            return 0;
        }
    }

    @Command(name = "teacher", mixinStandardHelpOptions = true,
            description = "Train a fused teacher over frozen components and write its bundle.")
    static final class TeacherCommand implements Callable<Integer> {
        @Option(names = "--components", required = true, arity = "2..*", description = "component bundle directories (K >= 2)")
        java.util.List<Path> components;
        @Option(names = "--source", required = true, description = "labelled source domain")
        String source;
        @Option(names = "--target", required = true, description = "unlabelled target domain")
        String target;
        @Option(names = "--out", required = true, description = "bundle directory to write")
        Path out;
        @Option(names = "--fusion", defaultValue = "imed", completionCandidates = PluginNames.Fusions.class,
                description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
        String fusion;
        @Option(names = "--layers", defaultValue = "2", description = "fusion layers 1..3 (default: ${DEFAULT-VALUE})")
        int layers;
        @Option(names = "--iterations", description = "iteration budget (default: ${DEFAULT-VALUE})")
        int iterations = 1000;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--iters", hidden = true)
        void iters(int value) {
            iterations = value;
        }
        @picocli.CommandLine.Mixin
        TeacherLossOptions loss;
        @Option(names = "--seed", defaultValue = "0", description = "seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            dev.imed.fusion.teacher.TeacherConfig config = dev.imed.fusion.teacher.TeacherConfig.defaults(components, source, target)
                    .withFusion(dev.imed.fusion.net.FusionKind.parse(fusion)).withLayers(layers).withIterations(iterations)
                    .withSeed(seed);
            config = loss.apply(config);
            Bundle bundle = dev.imed.fusion.teacher.TeacherTrainer.train(config, out);
            System.out.println("teacher bundle: " + bundle.dir());
            Object target = bundle.manifest().metrics().get("target");
            if (target instanceof java.util.Map<?, ?> m) {
                System.out.println("target accuracy: " + m.get("accuracy") + "% (components " + m.get("componentAccuracy")
                        + ", averaging " + m.get("averageAccuracy") + ")");
            }
            return 0;
        }
    }
}
