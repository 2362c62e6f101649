package dev.imed.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import java.util.List;

/**
 * A {@link ComponentNet}-shaped network loaded from a bundle, in inference mode: what components and
 * students share once trained. It owns its manager and closes it.
 */
public abstract class BundledNet implements Classifier {
    private final Bundle bundle;
    private final NDManager manager;
    private final ComponentNet net;
    private final ParameterStore store;

    protected BundledNet(Bundle bundle, NDManager manager, ComponentNet net) {
        this.bundle = bundle;
        this.manager = manager;
        this.net = net;
        this.store = new ParameterStore(manager, false);
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

    /** (feature, logits) in inference mode. */
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
