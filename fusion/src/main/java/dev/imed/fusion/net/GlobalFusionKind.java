package dev.imed.fusion.net;

import com.google.auto.service.AutoService;

/** {@code global}: The IMED network with global learnable gates instead of per-instance generated ones. */
@AutoService(FusionKind.class)
public final class GlobalFusionKind extends FusionKind {
    @Override
    public String id() {
        return "global";
    }

    @Override
    public String label() {
        return "non-instance-aware fusion";
    }

    @Override
    public boolean trained() {
        return true;
    }

    @Override
    protected FusionNet newNet(int components, int classes, int width, int layers) {
        return new InstanceAwareFusion(components, classes, width, layers, false);
    }
}
