package dev.imed.cli;

import dev.imed.core.bundle.Bundle;
import java.util.Map;

/** What the training commands print about the bundle they wrote. */
final class Bundles {
    private Bundles() {}

    /** The bundle's directory, as {@code kind bundle: DIR}, and its target accuracy if the manifest records one. */
    static void report(String kind, Bundle bundle) {
        System.out.println(kind + " bundle: " + bundle.dir());
        if (bundle.manifest().metrics().get("target") instanceof Map<?, ?> target) {
            System.out.println("target accuracy: " + target.get("accuracy") + "%");
        }
    }
}
