package dev.imed.ensemble.component;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.device.Devices;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.backbone.Backbones;
import dev.imed.ensemble.backbone.TorchScriptBackbone;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained component loaded from its bundle, in inference mode: for a batch it gives the
 * bottleneck feature f and the logits z that the fusion teacher reads.
 */
public final class Component implements Classifier {
    private final Bundle bundle;
    private final NDManager manager;
    private final ComponentNet net;
    private final ParameterStore store;

    private Component(Bundle bundle, NDManager manager, ComponentNet net) {
        this.bundle = bundle;
        this.manager = manager;
        this.net = net;
        this.store = new ParameterStore(manager, false);
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
        String backboneName = m.architectureString("backbone");
        ComponentNet net = new ComponentNet(
                backboneName.startsWith("torchscript") ? TorchScriptBackbone.forLoading(manager) : Backbones.create(backboneName, manager),
                m.architectureInt("bottleneck"), m.classNames().size());
        if (!backboneName.startsWith("torchscript")) {
            InputSpec spec = m.input();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.height(), spec.width()));
        }
        return net;
    }

    public Bundle bundle() {
        return bundle;
    }

    public Manifest manifest() {
        return bundle.manifest();
    }

    public ComponentNet net() {
        return net;
    }

    @Override
    public List<String> classNames() {
        return bundle.manifest().classNames();
    }

    @Override
    public InputSpec inputSpec() {
        return bundle.manifest().input();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** (feature [N, 256], logits [N, C]) in inference mode. */
    public NDList featuresAndLogits(NDArray images) {
        return net.forward(store, new NDList(images), false);
    }

    @Override
    public NDArray logits(NDArray images) {
        return featuresAndLogits(images).get(1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
