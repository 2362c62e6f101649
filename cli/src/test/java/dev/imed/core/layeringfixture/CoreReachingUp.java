package dev.imed.core.layeringfixture;

import dev.imed.ensemble.train.ComponentConfig;

/** A deliberate back-edge, core → ensemble (a cycle with ensemble → core), for {@code LayeringRulesCanFailTest}. */
public final class CoreReachingUp {
    private CoreReachingUp() {}

    public static ComponentConfig componentConfig() {
        return null;
    }
}
