package dev.imed.model.student;

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
 * A student loaded from its bundle, in inference mode. The bundle is self-contained: no component
 * or teacher is needed to run it.
 */
public final class Student extends BundledNet {
    public static final String KIND = "student";

    private Student(Bundle bundle, NDManager manager, ComponentNet net) {
        super(bundle, manager, net);
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
            ComponentNet net = build(m, manager);
            bundle.loadInto(net, manager);
            return new Student(bundle, manager, net);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds a student network: {@code student-cnn} for digits, {@code resnet18} or a TorchScript backbone for photos. */
    public static ComponentNet build(String backbone, int width, int classes, InputSpec spec, NDManager manager) {
        return ComponentNet.forBundle(backbone, width, classes, spec, manager);
    }

    /** Builds the network a student bundle's manifest describes, ready for its weights. */
    public static ComponentNet build(Manifest manifest, NDManager manager) {
        return ComponentNet.forBundle(manifest, manager);
    }

    /** The registry version, or 0 for a bundle outside a registry. */
    public long version() {
        return bundle().manifest().version();
    }
}
