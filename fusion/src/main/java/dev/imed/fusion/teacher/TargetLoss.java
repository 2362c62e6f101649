package dev.imed.fusion.teacher;

import java.util.Arrays;

/** The teacher's loss on unlabelled target predictions, weighted by β1. */
public enum TargetLoss {
    /** Minimum class confusion (T = 2.5), as the IMED paper trains its teacher. */
    MCC("mcc"),
    /**
     * Soft cross-entropy towards the averaging ensemble's target probabilities: a target loss that no
     * component was trained with, so it does not pull the teacher onto one member (as MCC can pull it onto an MCC member).
     */
    AVERAGE("average");

    private final String id;

    TargetLoss(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static TargetLoss parse(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equalsIgnoreCase(id.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown target loss '" + id + "' (known: mcc, average)"));
    }
}
