package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.distill.registry.StudentRegistry;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.Distiller;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed distill}: the teacher's knowledge into the compact student, the deployable bundle. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil a teacher into the compact student and write the student bundle (optionally publish it to a registry).")
final class DistillCommand implements Callable<Integer> {
    @Option(names = "--teacher", description = "teacher bundle (omit for a student trained on the source alone)")
    Path teacher;
    @Option(names = "--source", description = "labelled source domain (default: the teacher's)")
    String source;
    @Option(names = "--target", description = "unlabelled target domain (default: the teacher's)")
    String target;
    @Option(names = "--out", required = true, description = "student bundle directory to write")
    Path out;
    @Option(names = "--backbone", defaultValue = "student-cnn", completionCandidates = PluginNames.Backbones.class,
            description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
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
    @Option(names = "--publish", description = "also publish the student as the next version of this registry directory")
    Path registry;

    @Override
    public Integer call() {
        String src = source;
        String tgt = target;
        if (teacher != null && (src == null || tgt == null)) {
            var manifest = Bundle.open(teacher).manifest();
            src = src != null ? src : manifest.source();
            tgt = tgt != null ? tgt : manifest.target();
        }
        if (src == null || tgt == null) {
            throw new IllegalArgumentException("--source and --target are needed without --teacher");
        }
        Bundle bundle = Distiller.train(DistillConfig.digits(teacher, src, tgt).withBackbone(backbone)
                .withIterations(iterations).withSeed(seed), out);
        System.out.println("student bundle: " + bundle.dir());
        Object t = bundle.manifest().metrics().get("target");
        if (t instanceof java.util.Map<?, ?> m) {
            System.out.println("target accuracy: " + m.get("accuracy") + "%");
        }
        if (registry != null) {
            Bundle published = new StudentRegistry(registry).publishCopy(bundle);
            System.out.println("published: " + published.dir());
        }
        return 0;
    }
}
