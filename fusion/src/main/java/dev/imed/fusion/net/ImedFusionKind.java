package dev.imed.fusion.net;

import com.google.auto.service.AutoService;

/** {@code imed}: IMED: per-instance generated gates of a nonlinear per-channel fusion network. */
@AutoService(FusionKind.class)
public final class ImedFusionKind extends FusionKind {
    @Override
    public String id() {
        return "imed";
    }

    @Override
    public String label() {
        return "IMED teacher";
    }

    @Override
    public boolean trained() {
        return true;
    }

    @Override
    protected FusionNet newNet(int components, int classes, int width, int layers) {
        return new InstanceAwareFusion(components, classes, width, layers, true);
    }
}
