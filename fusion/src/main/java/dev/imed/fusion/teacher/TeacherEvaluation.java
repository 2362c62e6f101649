package dev.imed.fusion.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.Domain;
import dev.imed.core.loader.Batch;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.metrics.ConfusionMatrix;
import dev.imed.core.model.Evaluation;
import dev.imed.ensemble.baseline.Voting;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.report.EnsembleHeadroom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass of a teacher over a labelled domain that measures, together: the accuracy of each
 * component, of averaging, of majority vote and of the teacher; how often the teacher agrees with
 * each component and with averaging; and the statistics of its gates (mean per component and how
 * much they vary across instances). These are what tells a working fusion from one that copies a
 * component.
 */
public final class TeacherEvaluation {
    private TeacherEvaluation() {}

    /** Evaluates the bundle's teacher on {@code domain} and records the figures in its manifest. */
    public static Bundle record(Bundle bundle, Domain domain) {
        try (Teacher teacher = Teacher.load(bundle.dir())) {
            return bundle.withMetric("target", evaluate(teacher, domain));
        }
    }

    /**
     * What one pass measured: a confusion matrix per component, for averaging, vote, entropy-weighted
     * averaging and the teacher, how often the teacher agreed with each component and with averaging, the
     * gates' moments and the members' headroom.
     */
    public record Pass(List<ConfusionMatrix> components, ConfusionMatrix average, ConfusionMatrix vote,
                       ConfusionMatrix entropyWeighted, ConfusionMatrix teacher, long[] agreementWithComponents,
                       long agreementWithAverage, GateMoments gates, EnsembleHeadroom headroom) {}

    /** The figures of {@link #pass}, as recorded in a teacher's manifest. */
    public static Map<String, Object> evaluate(Teacher teacher, Domain domain) {
        Pass pass = pass(teacher, domain);
        int k = pass.components().size();
        long total = pass.teacher().total();
        Map<String, Object> out = new LinkedHashMap<>(pass.teacher().summary());
        out.put("componentAccuracy", pass.components().stream().map(m -> round(m.accuracy())).toList());
        out.put("averageAccuracy", round(pass.average().accuracy()));
        out.put("voteAccuracy", round(pass.vote().accuracy()));
        out.put("entropyWeightedAccuracy", round(pass.entropyWeighted().accuracy()));
        List<Double> agreement = new ArrayList<>();
        for (long a : pass.agreementWithComponents()) {
            agreement.add(round(100.0 * a / total));
        }
        out.put("agreementWithComponents", agreement);
        out.put("agreementWithAverage", round(100.0 * pass.agreementWithAverage() / total));
        out.put("gates", pass.gates().summary(k));
        out.put("headroom", pass.headroom().summary());
        return out;
    }

    /** One pass of the teacher over a labelled domain: each component runs once per image. */
    public static Pass pass(Teacher teacher, Domain domain) {
        int k = teacher.components().size();
        DomainLoader loader = DomainLoader.onePass(domain.withoutLabels(), teacher.inputSpec());
        List<ConfusionMatrix> componentMatrices = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            componentMatrices.add(new ConfusionMatrix(domain.classNames()));
        }
        ConfusionMatrix teacherMatrix = new ConfusionMatrix(domain.classNames());
        ConfusionMatrix averageMatrix = new ConfusionMatrix(domain.classNames());
        ConfusionMatrix voteMatrix = new ConfusionMatrix(domain.classNames());
        ConfusionMatrix entropyMatrix = new ConfusionMatrix(domain.classNames());
        EnsembleHeadroom headroom = new EnsembleHeadroom(k);
        long[] agreeComponent = new long[k];
        long agreeAverage = 0;
        GateMoments gates = new GateMoments(teacher.fusion() == null ? List.of() : teacher.fusion().gateNames());
        for (int[] indices : loader.sequentialBatches(Evaluation.batchSize(teacher.inputSpec()))) {
            try (NDManager step = teacher.manager().newSubManager()) {
                Batch batch = loader.load(step, indices);
                NDList outputs = Teacher.componentOutputs(teacher.components(), batch.images());
                NDArray logits = outputs.get(1);
                NDList fused = teacher.fuse(outputs.get(0), logits, false);
                long[] teacherPred = fused.get(1).argMax(1).toLongArray();
                long[] componentPred = logits.argMax(2).toLongArray();
                long[] averagePred = Voting.averageProbabilities(logits).argMax(1).toLongArray();
                long[] votePred = Voting.voteShares(logits).argMax(1).toLongArray();
                long[] entropyPred = FusionKind.ENTROPY.combine(outputs.get(0), logits).get(1).argMax(1).toLongArray();
                float[] componentConfidence = logits.softmax(2).max(new int[] {2}).toFloatArray();
                int[] truths = new int[indices.length];
                for (int n = 0; n < indices.length; n++) {
                    int truth = domain.label(indices[n]);
                    truths[n] = truth;
                    entropyMatrix.add(truth, (int) entropyPred[n]);
                    teacherMatrix.add(truth, (int) teacherPred[n]);
                    averageMatrix.add(truth, (int) averagePred[n]);
                    voteMatrix.add(truth, (int) votePred[n]);
                    agreeAverage += teacherPred[n] == averagePred[n] ? 1 : 0;
                    for (int i = 0; i < k; i++) {
                        int p = (int) componentPred[n * k + i];
                        componentMatrices.get(i).add(truth, p);
                        agreeComponent[i] += teacherPred[n] == p ? 1 : 0;
                    }
                }
                headroom.add(truths, componentPred, componentConfidence);
                gates.add(fused.subNDList(2));
            }
        }
        return new Pass(componentMatrices, averageMatrix, voteMatrix, entropyMatrix, teacherMatrix, agreeComponent, agreeAverage,
                gates, headroom);
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Running first and second moments of each gate over instances, kept on the host per element. */
    public static final class GateMoments {
        private final List<String> names;
        private final List<double[]> sums = new ArrayList<>();
        private final List<double[]> squares = new ArrayList<>();
        private final List<long[]> shapes = new ArrayList<>();
        private long count;
        private boolean global;

        GateMoments(List<String> names) {
            this.names = names;
        }

        void add(NDList gateArrays) {
            if (gateArrays.isEmpty()) {
                return;
            }
            long n = 0;
            for (int g = 0; g < gateArrays.size(); g++) {
                NDArray gate = gateArrays.get(g);
                n = gate.getShape().get(0);
                global = n == 1;
                NDArray sum = gate.sum(new int[] {0});
                NDArray sq = gate.square().sum(new int[] {0});
                float[] s = sum.toFloatArray();
                float[] q = sq.toFloatArray();
                if (sums.size() <= g) {
                    sums.add(new double[s.length]);
                    squares.add(new double[s.length]);
                    shapes.add(gate.getShape().slice(1).getShape());
                }
                for (int e = 0; e < s.length; e++) {
                    sums.get(g)[e] += s[e];
                    squares.get(g)[e] += q[e];
                }
            }
            count += n;
        }

        Map<String, Object> summary(int k) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int g = 0; g < sums.size(); g++) {
                double[] s = sums.get(g);
                double[] q = squares.get(g);
                long[] shape = shapes.get(g);
                // Elements are laid out [K (j), (K (i),) D]: the component a gate weighs is the second-last axis.
                int d = (int) shape[shape.length - 1];
                int perComponentStride = d;
                double[] meanPerComponent = new double[k];
                long[] countPerComponent = new long[k];
                double sdSum = 0;
                double offHalf = 0;
                for (int e = 0; e < s.length; e++) {
                    double mean = s[e] / count;
                    double var = Math.max(0, q[e] / count - mean * mean);
                    sdSum += Math.sqrt(var);
                    offHalf += Math.abs(mean - 0.5);
                    int component = (e / perComponentStride) % k;
                    meanPerComponent[component] += mean;
                    countPerComponent[component]++;
                }
                Map<String, Object> gate = new LinkedHashMap<>();
                List<Double> means = new ArrayList<>();
                for (int c = 0; c < k; c++) {
                    means.add(Math.round(meanPerComponent[c] / countPerComponent[c] * 10000) / 10000.0);
                }
                gate.put("meanPerComponent", means);
                gate.put("meanSdAcrossInstances", global ? 0.0 : Math.round(sdSum / s.length * 10000) / 10000.0);
                gate.put("meanDistanceFromHalf", Math.round(offHalf / s.length * 10000) / 10000.0);
                out.put(names.get(g), gate);
            }
            return out;
        }
    }
}
