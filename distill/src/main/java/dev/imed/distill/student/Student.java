package dev.imed.distill.student;

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
import dev.imed.ensemble.component.ComponentNet;
import java.nio.file.Path;
import java.util.List;

/**
 * A student loaded from its bundle, in inference mode. The bundle is self-contained: no component
 * or teacher is needed to run it.
 */
public final class Student implements Classifier {
    public static final String KIND = "student";

    private final Bundle bundle;
    private final NDManager manager;
    private final ComponentNet net;
    private final ParameterStore store;

    private Student(Bundle bundle, NDManager manager, ComponentNet net) {
        this.bundle = bundle;
        this.manager = manager;
        this.net = net;
        this.store = new ParameterStore(manager, false);
    }

    public static Student load(Path dir) {
        return load(Bundle.open(dir), NDManager.newBaseManager(Devices.preferred()));
    }

    /** Loads into {@code manager}, which the student then owns and closes. */
    public static Student load(Bundle bundle, NDManager manager) {
        Manifest m = bundle.manifest();
        if (!KIND.equals(m.kind())) {
            manager.close();
            throw new BundleException(bundle.dir() + ": is a " + m.kind() + " bundle, not a student");
        }
        try {
            ComponentNet net = build(m.architectureString("backbone"), m.architectureInt("bottleneck"),
                    m.classNames().size(), m.input(), manager);
            bundle.loadInto(net, manager);
            return new Student(bundle, manager, net);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds a student network: {@code student-cnn} for digits, {@code resnet18} or a TorchScript backbone for photos. */
    public static ComponentNet build(String backbone, int width, int classes, InputSpec spec, NDManager manager) {
        boolean torchscript = backbone.startsWith("torchscript");
        ComponentNet net = new ComponentNet(torchscript && !backbone.contains(":")
                ? TorchScriptBackbone.forLoading(manager) : Backbones.create(backbone, manager), width, classes);
        if (!torchscript || backbone.contains(":")) {
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

    /** The registry version, or 0 for a bundle outside a registry. */
    public long version() {
        return bundle.manifest().version();
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
