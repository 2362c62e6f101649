package dev.imed.ensemble.component;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.device.Devices;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.net.BundledNet;
import dev.imed.model.net.ComponentNet;
import java.nio.file.Path;

/**
 * A trained component loaded from its bundle, in inference mode: for a batch it gives the
 * bottleneck feature f and the logits z that the fusion teacher reads.
 */
public final class Component extends BundledNet {
    private Component(Bundle bundle, NDManager manager, ComponentNet net) {
        super(bundle, manager, net);
    }

    /** Loads a component bundle onto the preferred device. */
    public static Component load(Path dir) {
        return load(Bundle.open(dir), NDManager.newBaseManager(Devices.preferred()));
    }

    /** Loads into {@code manager}, which the component then owns and closes. */
    public static Component load(Bundle bundle, NDManager manager) {
        Manifest m = bundle.manifest();
        if (!"component".equals(m.kind())) {
            manager.close();
            throw new BundleException(bundle.dir() + ": is a " + m.kind() + " bundle, not a component");
        }
        try {
            ComponentNet net = build(m, manager);
            bundle.loadInto(net, manager);
            return new Component(bundle, manager, net);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Rebuilds the (uninitialised-weights) network that a manifest describes. */
    static ComponentNet build(Manifest m, NDManager manager) {
        return ComponentNet.forBundle(m, manager);
    }
}
