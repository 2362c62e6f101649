package dev.imed.model.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import com.google.auto.service.AutoService;
import dev.imed.core.plugin.Registry;
import dev.imed.core.transform.InputSpec;
import java.util.List;
import java.util.Optional;

/**
 * Builds backbones by name: every {@link BackboneFactory} on the class path, e.g. {@code lenet}
 * (digits), {@code resnet18}, {@code resnet50} (random init) and {@code torchscript:FILE} (e.g. a
 * torchvision ResNet-50 with ImageNet weights exported by the user; fine-tunable). A backbone maps
 * {@code [N, 3, H, W]} to features {@code [N, D]}.
 */
public final class Backbones {
    private static final Registry<BackboneFactory> REGISTRY = Registry.load(BackboneFactory.class, BackboneFactory::name, "backbone");

    private Backbones() {}

    /** A freshly built backbone; TorchScript ones are loaded from their file with {@code manager}. */
    public static Block create(String name, NDManager manager) {
        return factory(name).create(argument(name), manager);
    }

    /**
     * A freshly built backbone whose output is read as {@code preprocessing} says; null means the
     * backbone's own, and a backbone that takes none refuses one (see {@link #requirePreprocessingAllowed}).
     */
    public static Block create(String name, Preprocessing preprocessing, NDManager manager) {
        if (preprocessing == null) {
            return create(name, manager);
        }
        requirePreprocessingAllowed(name);
        return factory(name).create(argument(name), preprocessing, manager);
    }

    /** The input spec a backbone expects: digits for the digit CNNs, ImageNet's for the rest. */
    public static InputSpec inputSpecFor(String name) {
        return factory(name).inputSpec();
    }

    /** The input spec of a backbone fed as {@code preprocessing} says, or its own one for null. */
    public static InputSpec inputSpecFor(String name, Preprocessing preprocessing) {
        if (preprocessing == null) {
            return inputSpecFor(name);
        }
        requirePreprocessingAllowed(name);
        return preprocessing.inputSpec();
    }

    /** Whether users may give the backbone their own preprocessing ({@code torchscript:FILE}: yes; false for an unknown name). */
    public static boolean takesPreprocessing(String name) {
        return lookUp(name).map(BackboneFactory::takesPreprocessing).orElse(false);
    }

    /** Refuses a preprocessing for a backbone whose input imed fixes, naming the backbones that take one. */
    public static void requirePreprocessingAllowed(String name) {
        BackboneFactory factory = factory(name);
        if (!factory.takesPreprocessing()) {
            List<String> taking = REGISTRY.all().stream().filter(BackboneFactory::takesPreprocessing).map(BackboneFactory::usage).toList();
            InputSpec own = factory.inputSpec();
            throw new IllegalArgumentException("backbone " + name + " has a fixed input (" + own.height() + "×" + own.width()
                    + "): preprocessing (resize, crop, mean, std, pool) applies to " + String.join(", ", taking) + " only");
        }
    }

    /**
     * Whether the backbone starts from pretrained weights (then it learns at a tenth of the rate);
     * false for a name no factory builds, such as a bundle's {@code torchscript} without its file.
     */
    public static boolean isPretrained(String name) {
        return lookUp(name).map(BackboneFactory::pretrained).orElse(false);
    }

    /** How each backbone is written, sorted by name, e.g. {@code lenet, …, torchscript:FILE}: for help texts. */
    public static List<String> usages() {
        return REGISTRY.all().stream().map(BackboneFactory::usage).toList();
    }

    private static BackboneFactory factory(String name) {
        return lookUp(name).orElseThrow(() ->
                new IllegalArgumentException("unknown backbone '" + name + "' (known: " + String.join(", ", usages()) + ")"));
    }

    /** The factory for {@code NAME} or {@code NAME:ARGUMENT}, as the factory expects an argument or not. */
    private static Optional<BackboneFactory> lookUp(String name) {
        int colon = name.indexOf(':');
        return REGISTRY.find(colon < 0 ? name : name.substring(0, colon)).filter(f -> f.takesArgument() == colon >= 0);
    }

    private static String argument(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? null : name.substring(colon + 1);
    }

    /** The digits LeNet, {@link #lenet()}. */
    @AutoService(BackboneFactory.class)
    public static final class LeNet extends BuiltInBackbone {
        public LeNet() {
            super("lenet", Backbones::lenet, InputSpec.digits());
        }
    }

    /** The compact digits student, {@link #compactCnn()}. */
    @AutoService(BackboneFactory.class)
    public static final class StudentCnn extends BuiltInBackbone {
        public StudentCnn() {
            super("student-cnn", Backbones::compactCnn, InputSpec.digits());
        }
    }

    /** The output width of a backbone for an input of {@code inputShape} (one image). */
    public static long featureDim(Block backbone, NDManager manager, Shape inputShape) {
        return backbone.getOutputShapes(new Shape[] {inputShape})[0].get(1);
    }

    /** LeNet-style digits CNN: conv5×5 32 – BN – ReLU – pool, conv5×5 64 – BN – ReLU – pool, Linear 512 – ReLU. */
    public static SequentialBlock lenet() {
        return cnn(32, 64, 512);
    }

    /** The compact digits student: conv5×5 16 – BN – ReLU – pool, conv5×5 32 – BN – ReLU – pool, Linear 128 – ReLU. */
    public static SequentialBlock compactCnn() {
        return cnn(16, 32, 128);
    }

    private static SequentialBlock cnn(int c1, int c2, int hidden) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(c1).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(c2).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu);
    }
}
