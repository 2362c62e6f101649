package dev.imed.model.registry;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.model.Classifier;
import dev.imed.core.model.Evaluation;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.student.Student;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The label-free check a candidate student passes before it is published (by the stream or by
 * {@code imed distill --publish}). It scores the candidate on a held-out window of recent target
 * images it never trained on, against the teacher's labels for them (no target label is read):
 * <ul>
 *   <li><b>agreement</b>: the share of window images the candidate classes as the teacher does, in
 *       percent. It must not be more than {@code maxAgreementDrop} points (default 1) below the agreement
 *       of the version currently published (the one servers follow), measured on the same window;
 *   <li><b>collapse</b>: the entropy of the candidate's predicted-class histogram over the window must be
 *       at least {@code minEntropyRatio} (default 0.5) times the entropy of the teacher's label histogram.
 *       A student that predicts one class has entropy 0; one that spreads over half of ten balanced
 *       classes has ratio log 5 / log 10 = 0.70; one over three of them 0.48. Half the teacher's entropy
 *       thus means "the student uses roughly as many classes as the square root of the teacher's".
 * </ul>
 * A window with fewer than {@value #MIN_WINDOW} images cannot tell a point of agreement apart, so the
 * candidate is rejected until the window has filled. The scores go into the published manifest's
 * metrics under {@code qualityGate}.
 */
public final class QualityGate {
    private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);
    public static final double DEFAULT_MAX_AGREEMENT_DROP = 1.0;
    public static final double DEFAULT_MIN_ENTROPY_RATIO = 0.5;
    public static final int MIN_WINDOW = 32;

    private final double maxAgreementDrop;
    private final double minEntropyRatio;

    /**
     * @param maxAgreementDrop ε, in percentage points of agreement with the teacher
     * @param minEntropyRatio the least ratio of the candidate's prediction entropy to the teacher's
     */
    public QualityGate(double maxAgreementDrop, double minEntropyRatio) {
        if (!(maxAgreementDrop >= 0) || !(minEntropyRatio >= 0) || minEntropyRatio > 1) {
            throw new IllegalArgumentException("the quality gate needs ε ≥ 0 points and an entropy ratio in 0..1, got "
                    + maxAgreementDrop + " and " + minEntropyRatio);
        }
        this.maxAgreementDrop = maxAgreementDrop;
        this.minEntropyRatio = minEntropyRatio;
    }

    public static QualityGate defaults() {
        return new QualityGate(DEFAULT_MAX_AGREEMENT_DROP, DEFAULT_MIN_ENTROPY_RATIO);
    }

    /**
     * Held-out images, normalised per {@code spec} ({@code [N, 3, H, W]} flattened), with the teacher's
     * label for each.
     */
    public record Window(InputSpec spec, float[] images, int[] teacherLabels) {
        public Window {
            if (images.length != (long) teacherLabels.length * spec.pixelsPerImage()) {
                throw new IllegalArgumentException(teacherLabels.length + " labels need " + (long) teacherLabels.length
                        * spec.pixelsPerImage() + " image values, got " + images.length);
            }
        }

        public int size() {
            return teacherLabels.length;
        }
    }

    /** A model's scores on a window: agreement with the teacher (%) and its predicted-class histogram's entropy (nats). */
    public record Score(double agreement, double entropy) {
        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("agreement", round(agreement));
            map.put("entropy", round(entropy));
            return map;
        }
    }

    /**
     * The verdict.
     *
     * @param accepted whether the candidate may be published
     * @param reason why not (or "passed")
     * @param currentVersion the published version compared against, 0 if none
     * @param current its score, or null if there was none
     */
    public record Decision(boolean accepted, String reason, int windowSize, double teacherEntropy, Score candidate,
                           long currentVersion, Score current, double maxAgreementDrop, double minEntropyRatio) {
        /** What goes into the manifest's metrics under {@code qualityGate}. */
        public Map<String, Object> asMetrics() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("accepted", accepted);
            map.put("reason", reason);
            map.put("windowImages", windowSize);
            map.put("teacherEntropy", round(teacherEntropy));
            if (candidate != null) {
                map.putAll(candidate.asMap());
                map.put("entropyRatio", teacherEntropy > 0 ? round(candidate.entropy() / teacherEntropy) : null);
            }
            if (current != null) {
                map.put("currentVersion", currentVersion);
                map.put("currentAgreement", round(current.agreement()));
                map.put("currentEntropy", round(current.entropy()));
            }
            map.put("maxAgreementDrop", maxAgreementDrop);
            map.put("minEntropyRatio", minEntropyRatio);
            return map;
        }
    }

    /** The candidate's score on {@code window}. */
    public static Score score(Classifier model, Window window) {
        int n = window.size();
        int classes = model.classNames().size();
        int[] predicted = predict(model, window);
        int agreeing = 0;
        for (int i = 0; i < n; i++) {
            if (predicted[i] == window.teacherLabels()[i]) {
                agreeing++;
            }
        }
        return new Score(n == 0 ? 0 : 100.0 * agreeing / n, entropy(predicted, classes));
    }

    private static int[] predict(Classifier model, Window window) {
        InputSpec spec = window.spec();
        int per = spec.pixelsPerImage();
        int n = window.size();
        int[] predicted = new int[n];
        int batch = Evaluation.batchSize(spec);
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            float[] slice = new float[count * per];
            System.arraycopy(window.images(), from * per, slice, 0, count * per);
            try (NDManager step = model.manager().newSubManager()) {
                NDArray x = step.create(slice, new Shape(count, spec.channels(), spec.height(), spec.width()));
                long[] labels = model.logits(x).argMax(1).toLongArray();
                for (int i = 0; i < count; i++) {
                    predicted[from + i] = (int) labels[i];
                }
            }
        }
        return predicted;
    }

    /** The entropy (nats) of the histogram of {@code labels} over {@code classes} classes; 0 for none. */
    public static double entropy(int[] labels, int classes) {
        if (labels.length == 0) {
            return 0;
        }
        int[] counts = new int[Math.max(classes, 1)];
        for (int label : labels) {
            if (label >= 0 && label < counts.length) {
                counts[label]++;
            }
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = c / (double) labels.length;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    /** Judges {@code candidate} against {@code current} (the published version, if any, with its number) on {@code window}. */
    public Decision decide(Classifier candidate, Optional<Classifier> current, long currentVersion, Window window) {
        int classes = candidate.classNames().size();
        double teacherEntropy = entropy(window.teacherLabels(), classes);
        if (window.size() < MIN_WINDOW) {
            return new Decision(false, "the held-out window has " + window.size() + " images, at least " + MIN_WINDOW
                    + " are needed to judge a candidate", window.size(), teacherEntropy, null, 0, null,
                    maxAgreementDrop, minEntropyRatio);
        }
        Score score = score(candidate, window);
        Score now = current.filter(c -> c.classNames().equals(candidate.classNames())).map(c -> score(c, window)).orElse(null);
        long nowVersion = now == null ? 0 : currentVersion;
        String reason = "passed";
        boolean accepted = true;
        if (score.entropy() < minEntropyRatio * teacherEntropy) {
            accepted = false;
            reason = String.format("collapsed: its predicted-class histogram has entropy %.3f, less than %.2f × the teacher's %.3f",
                    score.entropy(), minEntropyRatio, teacherEntropy);
        } else if (now != null && score.agreement() < now.agreement() - maxAgreementDrop) {
            accepted = false;
            reason = String.format("its agreement with the teacher, %.2f %%, is more than %.2f points below version %d's %.2f %%",
                    score.agreement(), maxAgreementDrop, nowVersion, now.agreement());
        }
        return new Decision(accepted, reason, window.size(), teacherEntropy, score, nowVersion, now, maxAgreementDrop,
                minEntropyRatio);
    }

    /**
     * Judges {@code candidate} against the version {@code registry} serves now (pinned or newest valid),
     * loaded for the comparison; a registry with no valid version compares against nothing.
     */
    public Decision decide(Classifier candidate, StudentRegistry registry, Window window) {
        Optional<Long> serving;
        try {
            serving = registry.serving().filter(registry::isValid);
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot tell which version is published ({}); judging the candidate on its own", registry.root(),
                    e.getMessage());
            serving = Optional.empty();
        }
        if (serving.isEmpty()) {
            return decide(candidate, Optional.empty(), 0, window);
        }
        try (Student current = Student.load(registry.directory(serving.get()))) {
            return decide(candidate, Optional.of(current), serving.get(), window);
        }
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
