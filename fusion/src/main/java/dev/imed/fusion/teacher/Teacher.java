package dev.imed.fusion.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.device.Devices;
import dev.imed.core.model.Classifier;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.component.Component;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionNet;
import dev.imed.fusion.net.FusionOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fused teacher: K frozen components and a fusion over them. The bundle records each
 * component's sha256 and refuses to load with different ones.
 */
public final class Teacher implements Classifier {
    public static final String KIND = "teacher";

    private final Bundle bundle;
    private final NDManager manager;
    private final List<Component> components;
    private final FusionKind kind;
    private final FusionNet fusion;
    private final ParameterStore store;

    Teacher(Bundle bundle, NDManager manager, List<Component> components, FusionKind kind, FusionNet fusion) {
        this.bundle = bundle;
        this.manager = manager;
        this.components = components;
        this.kind = kind;
        this.fusion = fusion;
        this.store = new ParameterStore(manager, false);
    }

    /** Loads a teacher and the components its manifest names. */
    public static Teacher load(Path dir) {
        return load(dir, null);
    }

    /** Loads a teacher with these component bundles (or, when null, those its manifest names). */
    @SuppressWarnings("unchecked")
    public static Teacher load(Path dir, List<Path> componentDirs) {
        Bundle bundle = Bundle.open(dir);
        Manifest m = bundle.manifest();
        if (!KIND.equals(m.kind())) {
            throw new BundleException(dir + ": is a " + m.kind() + " bundle, not a teacher");
        }
        List<Path> dirs = componentDirs;
        if (dirs == null) {
            Object listed = m.training().get("components");
            if (!(listed instanceof List<?> l)) {
                throw new BundleException(dir + ": the manifest lists no components");
            }
            dirs = ((List<Object>) l).stream().map(o -> resolve(dir, o.toString())).toList();
        }
        List<String> expected = componentShas(m);
        if (dirs.size() != expected.size()) {
            throw new BundleException(dir + ": the teacher was trained with " + expected.size() + " components, got " + dirs.size());
        }
        NDManager manager = NDManager.newBaseManager(Devices.preferred());
        List<Component> components = new ArrayList<>();
        try {
            for (int i = 0; i < dirs.size(); i++) {
                Bundle c = Bundle.open(dirs.get(i));
                if (!c.sha256().equals(expected.get(i))) {
                    throw new BundleException(dir + ": component " + i + " (" + dirs.get(i) + ") has weights sha256 "
                            + c.sha256() + " but the teacher was trained with " + expected.get(i));
                }
                Component component = Component.load(c, manager.newSubManager());
                component.net().freezeParameters(true);
                components.add(component);
            }
            FusionKind kind = FusionKind.parse(m.architectureString("fusion"));
            FusionNet fusion = null;
            if (kind.trained()) {
                fusion = FusionNet.create(kind, components.size(), m.classNames().size(), m.architectureInt("width"),
                        m.architectureInt("layers"), FusionOptions.fromMap(m.architecture()));
                fusion.initialize(manager);
                bundle.loadInto(fusion, manager);
                // A loaded teacher only teaches: nothing in it records gradients.
                fusion.freezeParameters(true);
            }
            return new Teacher(bundle, manager, components, kind, fusion);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Path resolve(Path teacherDir, String listed) {
        Path p = Path.of(listed);
        return p.isAbsolute() ? p : teacherDir.resolve(p).normalize();
    }

    static List<String> componentShas(Manifest m) {
        List<String> shas = new ArrayList<>();
        for (int i = 0; m.lineage().containsKey("component" + i); i++) {
            shas.add(m.lineage().get("component" + i));
        }
        return shas;
    }

    public Bundle bundle() {
        return bundle;
    }

    public Manifest manifest() {
        return bundle.manifest();
    }

    public FusionKind kind() {
        return kind;
    }

    public List<Component> components() {
        return components;
    }

    public FusionNet fusion() {
        return fusion;
    }

    @Override
    public List<String> classNames() {
        return bundle.manifest().classNames();
    }

    @Override
    public InputSpec inputSpec() {
        return components.get(0).inputSpec();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** The components' outputs for a batch: stacked features {@code [N,K,D]} and logits {@code [N,K,C]}. */
    public static NDList componentOutputs(List<Component> components, NDArray images) {
        NDList features = new NDList();
        NDList logits = new NDList();
        for (Component c : components) {
            NDList out = c.featuresAndLogits(images);
            features.add(out.get(0));
            logits.add(out.get(1));
        }
        return new NDList(NDArrays.stack(features, 1), NDArrays.stack(logits, 1));
    }

    /** (f_ens, z_ens, gates…) in inference mode. */
    public NDList forward(NDArray images) {
        NDList outputs = componentOutputs(components, images);
        return fuse(outputs.get(0), outputs.get(1), false);
    }

    /** The fusion of precomputed component outputs. */
    NDList fuse(NDArray features, NDArray logits, boolean training) {
        return kind.trained() ? fusion.apply(store, features, logits.softmax(2), training) : kind.combine(features, logits);
    }

    @Override
    public NDArray logits(NDArray images) {
        return forward(images).get(1);
    }

    /** The fused feature and the logits, what distillation needs. */
    public NDList featuresAndLogits(NDArray images) {
        NDList out = forward(images);
        return new NDList(out.get(0), out.get(1));
    }

    @Override
    public void close() {
        manager.close();
    }

    static Map<String, Object> architecture(FusionKind kind, int k, int width, int layers, FusionOptions options) {
        Map<String, Object> map = new java.util.LinkedHashMap<>(Map.of("fusion", kind.id(), "components", k, "width", width,
                "layers", layers));
        map.putAll(options.asMap());
        return map;
    }

    /** The weights of a fusion that has none (averaging, vote): an empty parameter file. */
    static ai.djl.nn.Block noWeights() {
        return new NoWeights();
    }

    /** A block without parameters whose saved form is just its version. */
    private static final class NoWeights extends ai.djl.nn.AbstractBlock {
        NoWeights() {
            super((byte) 1);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         ai.djl.util.PairList<String, Object> params) {
            return inputs;
        }

        @Override
        public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        public void saveParameters(java.io.DataOutputStream os) throws java.io.IOException {
            os.writeByte(1);
        }
    }
}
