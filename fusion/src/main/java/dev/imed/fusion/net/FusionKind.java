package dev.imed.fusion.net;

import java.util.Arrays;

/** The fusions a teacher can use, selectable by name. */
public enum FusionKind {
    /** IMED: per-instance generated gates of a nonlinear per-channel fusion network. */
    IMED("imed", true),
    /** The same network with global learnable gates instead of generated ones. */
    GLOBAL("global", true),
    /** Concatenated features through Linear(K·256,1024)-BN-ReLU-Linear(1024,256)-ReLU. */
    FC("fc", true),
    /** Mean of the components' softmax outputs (no training). */
    AVERAGE("average", false),
    /** Majority vote of the components (no training). */
    VOTE("vote", false);

    private final String id;
    private final boolean trained;

    FusionKind(String id, boolean trained) {
        this.id = id;
        this.trained = trained;
    }

    public String id() {
        return id;
    }

    public boolean trained() {
        return trained;
    }

    public static FusionKind parse(String name) {
        return Arrays.stream(values()).filter(k -> k.id.equalsIgnoreCase(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fusion '" + name + "' (known: imed, global, fc, average, vote)"));
    }
}
