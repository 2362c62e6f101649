package dev.imed.model.testing;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.imed.model.net.ComponentNet;

/** Students made worse on purpose, for the quality gate's tests in model, streaming and deploy. */
public final class RiggedStudents {
    private RiggedStudents() {}

    /** Sets the head so that the network predicts {@code onlyClass} for every image: a collapsed student. */
    public static void collapseHead(ComponentNet net, int onlyClass) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getKey().contains("head")) {
                p.getValue().getArray().muli(0);
                if (p.getKey().endsWith("bias")) {
                    p.getValue().getArray().set(new NDIndex(onlyClass), 10f);
                }
            }
        }
    }
}
