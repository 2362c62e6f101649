package dev.imed.fusion.net;

import com.google.auto.service.AutoService;

/** {@code fc}: Concatenated features through Linear(K·256,1024)-BN-ReLU-Linear(1024,256)-ReLU. */
@AutoService(FusionKind.class)
public final class FcFusionKind extends FusionKind {
    @Override
    public String id() {
        return "fc";
    }

    @Override
    public String label() {
        return "FC fusion";
    }

    @Override
    public boolean trained() {
        return true;
    }

    @Override
    protected FusionNet newNet(int components, int classes, int width, int layers) {
        return new FcFusion(components, classes, width);
    }
}
