package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.distill.train.DistillConfig;
import dev.imed.distill.train.Distiller;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.model.registry.HeldOut;
import dev.imed.model.registry.QualityGate;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    @Mixin
    TrainingRunOptions run;
    @Option(names = "--publish", description = "also publish the student as the next version of this registry directory, "
            + "if it passes the quality gate")
    Path registry;
    @Option(names = "--gate-epsilon", defaultValue = "1.0", description = "quality gate: the most points of agreement with the "
            + "teacher the student may lose against the published version (default: ${DEFAULT-VALUE})")
    double gateEpsilon;
    @Option(names = "--gate-min-entropy-ratio", defaultValue = "0.5", description = "quality gate: the least entropy of the "
            + "student's predicted-class histogram, relative to the teacher's (default: ${DEFAULT-VALUE})")
    double gateMinEntropyRatio;
    @Option(names = "--holdout", description = "quality gate: target images held out of training to judge the student "
            + "(default: a tenth of the target, 32..512)")
    Integer holdout;

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
        DistillConfig config = DistillConfig.digits(teacher, src, tgt).withBackbone(backbone)
                .withIterations(run.iterations).withSeed(run.seed);
        if (registry == null) {
            Bundles.report("student", Distiller.train(config, out));
            return 0;
        }
        if (teacher == null) {
            throw new IllegalArgumentException("--publish judges the student against the teacher's labels (the quality gate): "
                    + "give --teacher");
        }
        QualityGate gate = new QualityGate(gateEpsilon, gateMinEntropyRatio);
        Domain targetDomain = Domains.open(tgt);
        HeldOut.Split split = HeldOut.split(targetDomain, holdout != null ? holdout : HeldOut.defaultSize(targetDomain.size()), run.seed);
        Bundle bundle = Distiller.train(config, Domains.open(src), split.training(), out);
        Bundles.report("student", bundle);
        QualityGate.Decision decision;
        try (Teacher t = Teacher.load(teacher); Student student = Student.load(bundle.dir())) {
            decision = gate.decide(student, new StudentRegistry(registry), HeldOut.window(t, split.heldOut()));
        }
        System.out.println("quality gate on " + decision.windowSize() + " held-out target images: " + decision.asMetrics());
        if (!decision.accepted()) {
            System.err.println("imed distill: not published: " + decision.reason());
            return 1;
        }
        Bundle published = new StudentRegistry(registry).publishCopy(bundle, Map.of("qualityGate", decision.asMetrics()));
        System.out.println("published: " + published.dir());
        return 0;
    }
}
