package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.imed.core.plugin.Registry;
import java.util.List;
import java.util.Locale;

/**
 * A fusion a teacher can use, selectable by name. Each kind is a subclass registered with
 * {@code @AutoService(FusionKind.class)} (public, no-argument constructor); one instance of each
 * exists, so kinds compare by identity as the enum this replaces did.
 *
 * <p>A kind is either trained (it builds a {@link FusionNet}) or fixed (it combines the components'
 * outputs directly, {@link #combine}).
 */
public abstract class FusionKind {
    private static final Registry<FusionKind> REGISTRY = Registry.load(FusionKind.class, FusionKind::id, "fusion");

    /** IMED: per-instance generated gates of a nonlinear per-channel fusion network. */
    public static final FusionKind IMED = parse("imed");
    /** The same network with global learnable gates instead of generated ones. */
    public static final FusionKind GLOBAL = parse("global");
    /** Concatenated features through Linear(K·256,1024)-BN-ReLU-Linear(1024,256)-ReLU. */
    public static final FusionKind FC = parse("fc");
    /** Mean of the components' softmax outputs (no training). */
    public static final FusionKind AVERAGE = parse("average");
    /** Majority vote of the components (no training). */
    public static final FusionKind VOTE = parse("vote");
    /** Per-image weights from each component's prediction entropy (no training). */
    public static final FusionKind ENTROPY = parse("entropy");

    /** The name users type and bundles record, e.g. {@code imed}. */
    public abstract String id();

    /** How result tables call it, e.g. {@code IMED teacher}. */
    public abstract String label();

    /** Whether the fusion has weights to train. */
    public abstract boolean trained();

    /** A trained fusion's network, before it is initialised; {@code layers} applies to the gated fusions. */
    protected FusionNet newNet(int components, int classes, int width, int layers) {
        throw new IllegalArgumentException(id() + " is not a trainable fusion");
    }

    /**
     * A fixed fusion's output for stacked component features {@code [N, K, D]} and logits
     * {@code [N, K, C]}: the fused feature and log-probabilities, as a trained fusion's (f, z).
     */
    public NDList combine(NDArray features, NDArray logits) {
        throw new IllegalStateException(id() + " is a trained fusion: it fuses through its network");
    }

    /** The kind named {@code name} (case-insensitive); {@link IllegalArgumentException} listing the known ones otherwise. */
    public static FusionKind parse(String name) {
        return REGISTRY.get(name);
    }

    /** Every kind, sorted by name. */
    public static List<FusionKind> all() {
        return REGISTRY.all();
    }

    /** The names of every kind, sorted. */
    public static List<String> names() {
        return REGISTRY.names();
    }

    /** The names of the trained kinds, sorted. */
    public static List<String> trainedNames() {
        return all().stream().filter(FusionKind::trained).map(FusionKind::id).toList();
    }

    /** The enum constant's name this class replaces ({@code IMED}), as a teacher configuration prints it. */
    @Override
    public final String toString() {
        return id().toUpperCase(Locale.ROOT);
    }
}
