package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.Domains;
import dev.imed.ensemble.train.ComponentConfig;
import dev.imed.ensemble.train.ComponentTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        @Mixin
        TrainingRunOptions run;
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
        @Option(names = "--save-initial-parameters", paramLabel = "FILE", description = "also write the first "
                + "parameters (after --init) to FILE as NumPy .npz, so another implementation can start from the same weights "
                + "(bench/parity's paired runs)")
        Path initialParameters;
        @Mixin
        PreprocessingOptions preprocessing;

        @Override
        public Integer call() {
            ComponentConfig config = ComponentConfig.digits(method, source, target).withBackbone(backbone)
                    .withIterations(run.iterations).withSeed(run.seed).withLr(lr).withBatchSize(batch).withTradeOff(tradeOff)
                    .withWeightDecay(weightDecay).withInit(dev.imed.core.init.Initialization.parse(init))
                    .withPreprocessing(preprocessing.resolve(backbone));
            Bundle bundle = ComponentTrainer.train(config, Domains.open(source),
                    Domains.open(target), out, initialParameters);
            Bundles.report("component", bundle);
            return 0;
        }
    }

    @Command(name = "teacher", mixinStandardHelpOptions = true,
            description = {"Train a fused teacher over frozen components and write its bundle.",
                "The defaults train the paper's teacher. The levers (--member-dropout, --info-max-weight, --pseudo-label-weight, "
                        + "--gate-balance-weight, --member-lr-scale) are each off at 0; --fusion entropy is a training-free "
                        + "instance-aware fusion (entropy-weighted averaging).",
                "--select ensv|snd keeps an iterate every --select-every iterations and chooses among them from their target "
                        + "predictions alone; target labels, if the domain has them, are read only to report accuracy, the "
                        + "members' headroom and the iterate labels would have chosen."})
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
        @Mixin
        TrainingRunOptions run = new TrainingRunOptions(1000);
        @Mixin
        TeacherLossOptions loss;

        @Override
        public Integer call() {
            dev.imed.fusion.teacher.TeacherConfig config = dev.imed.fusion.teacher.TeacherConfig.defaults(components, source, target)
                    .withFusion(dev.imed.fusion.net.FusionKind.parse(fusion)).withLayers(layers).withIterations(run.iterations)
                    .withSeed(run.seed);
            config = loss.apply(config);
            Bundle bundle = dev.imed.fusion.teacher.TeacherTrainer.train(config, out);
            System.out.println("teacher bundle: " + bundle.dir());
            if (bundle.manifest().training().get("selection") instanceof java.util.Map<?, ?> chosen) {
                System.out.println("kept iterate " + chosen.get("selected") + " of " + chosen.get("iterations") + " by "
                        + chosen.get("criterion") + " (final: " + chosen.get("final") + ")");
            }
            if (bundle.manifest().metrics().get("selection") instanceof java.util.Map<?, ?> oracle) {
                System.out.println("target accuracy of the selected / final / oracle iterate: " + oracle.get("selectedAccuracy")
                        + "% / " + oracle.get("finalAccuracy") + "% / " + oracle.get("oracleAccuracy") + "% (oracle: iterate "
                        + oracle.get("oracle") + ", chosen with target labels, for reference only)");
            }
            Object target = bundle.manifest().metrics().get("target");
            if (target instanceof java.util.Map<?, ?> m) {
                System.out.println("target accuracy: " + m.get("accuracy") + "% (components " + m.get("componentAccuracy")
                        + ", averaging " + m.get("averageAccuracy") + ", entropy-weighted " + m.get("entropyWeightedAccuracy") + ")");
                System.out.println("members' headroom (%): " + m.get("headroom"));
            }
            return 0;
        }
    }
}
