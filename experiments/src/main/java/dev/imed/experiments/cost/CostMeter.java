package dev.imed.experiments.cost;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.ensemble.train.ComponentTrainer;
import dev.imed.fusion.teacher.Teacher;
import dev.imed.model.net.ComponentNet;
import dev.imed.model.student.Student;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/** Measures the cost table of a suite: one component, the teacher over its components, the student. */
public final class CostMeter {
    /**
     * @param warmUp forward passes run and discarded first (allocator, JIT and caches settle)
     * @param repeats timed forward passes; the median is reported
     */
    public record Settings(int warmUp, int repeats) {
        public static Settings defaults() {
            return new Settings(3, 15);
        }
    }

    private CostMeter() {}

    public static List<ModelCost> measure(Path componentDir, Path teacherDir, Path studentDir, Settings settings) {
        List<ModelCost> rows = new ArrayList<>();
        try (Component component = Component.load(componentDir)) {
            var m = component.manifest();
            OptionalLong macs = MultiplyAdds.of(component.net(), inputShape(component.inputSpec()));
            rows.add(new ModelCost(ModelCost.COMPONENT, m.method() + ", " + m.architecture().get("backbone") + " backbone",
                    ComponentTrainer.parameterCount(component.net()), boxed(macs), latencyMs(component, settings),
                    macs.isPresent() ? null : torchScriptNote()));
        }
        try (Teacher teacher = Teacher.load(teacherDir)) {
            long parameters = 0;
            long macs = 0;
            boolean counted = true;
            for (Component c : teacher.components()) {
                parameters += ComponentTrainer.parameterCount(c.net());
                OptionalLong n = MultiplyAdds.of(c.net(), inputShape(c.inputSpec()));
                counted &= n.isPresent();
                macs += n.orElse(0);
            }
            if (teacher.fusion() != null) {
                parameters += ComponentTrainer.parameterCount(teacher.fusion());
                macs += MultiplyAdds.ofFusion(teacher.fusion(), teacher.classNames().size());
            }
            rows.add(new ModelCost(ModelCost.TEACHER, teacher.components().size() + " components + " + teacher.kind().id() + " fusion",
                    parameters, counted ? macs : null, latencyMs(teacher, settings), counted ? null : torchScriptNote()));
        }
        try (Student student = Student.load(studentDir)) {
            var m = student.manifest();
            String backbone = m.architectureString("backbone");
            Long macs = null;
            if (!backbone.startsWith("torchscript")) {
                // The structure alone decides the count: a freshly built copy of the network will do.
                try (NDManager scratch = NDManager.newBaseManager()) {
                    ComponentNet net = Student.build(backbone, m.architectureInt("bottleneck"), m.classNames().size(), m.input(), scratch);
                    macs = boxed(MultiplyAdds.of(net, inputShape(m.input())));
                }
            }
            Object parameters = m.architecture().get("parameters");
            rows.add(new ModelCost(ModelCost.STUDENT, backbone + " backbone, distilled",
                    parameters instanceof Number n ? n.longValue() : 0, macs, latencyMs(student, settings),
                    macs != null ? null : torchScriptNote()));
        }
        return rows;
    }

    private static String torchScriptNote() {
        return "multiply-adds n/a: the TorchScript backbone does not expose its layers.";
    }

    static Shape inputShape(InputSpec spec) {
        return new Shape(1, 3, spec.height(), spec.width());
    }

    private static Long boxed(OptionalLong n) {
        return n.isPresent() ? n.getAsLong() : null;
    }

    /** The median latency of classifying one image, in milliseconds. */
    public static double latencyMs(Classifier model, Settings settings) {
        InputSpec spec = model.inputSpec();
        double[] times = new double[Math.max(1, settings.repeats())];
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray image = scratch.randomNormal(inputShape(spec));
            for (int i = 0; i < settings.warmUp() + times.length; i++) {
                try (NDManager step = scratch.newSubManager()) {
                    NDArray x = image.duplicate();
                    x.attach(step);
                    long start = System.nanoTime();
                    // Reading the result back makes sure the work is done, not merely queued.
                    model.logits(x).toFloatArray();
                    long elapsed = System.nanoTime() - start;
                    if (i >= settings.warmUp()) {
                        times[i - settings.warmUp()] = elapsed / 1e6;
                    }
                }
            }
        }
        Arrays.sort(times);
        int n = times.length;
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    }
}
