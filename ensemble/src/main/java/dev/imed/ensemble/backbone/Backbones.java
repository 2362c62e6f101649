package dev.imed.ensemble.backbone;

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
import java.nio.file.Path;

/**
 * Builds backbones by name: {@code lenet} (digits), {@code resnet18}, {@code resnet50} (random
 * init) and {@code torchscript:FILE} (e.g. a torchvision ResNet-50 with ImageNet weights exported by
 * the user; fine-tunable). A backbone maps {@code [N, 3, H, W]} to features {@code [N, D]}.
 */
public final class Backbones {
    private Backbones() {}

    /** A freshly built backbone; TorchScript ones are loaded from their file with {@code manager}. */
    public static Block create(String name, NDManager manager) {
        if (name.startsWith("torchscript:")) {
            return TorchScriptBackbone.load(Path.of(name.substring("torchscript:".length())), manager);
        }
        return switch (name) {
            case "lenet" -> lenet();
            case "student-cnn" -> compactCnn();
            case "resnet18" -> ResNet.resnet18();
            case "resnet50" -> ResNet.resnet50();
            default -> throw new IllegalArgumentException("unknown backbone '" + name
                    + "' (known: lenet, resnet18, resnet50, torchscript:FILE)");
        };
    }

    /** The input spec a backbone expects: digits for the digit CNNs, ImageNet's for the rest. */
    public static dev.imed.core.transform.InputSpec inputSpecFor(String name) {
        return name.equals("lenet") || name.equals("student-cnn")
                ? dev.imed.core.transform.InputSpec.digits()
                : dev.imed.core.transform.InputSpec.imagenet();
    }

    /** Whether the backbone starts from pretrained weights (then it learns at a tenth of the rate). */
    public static boolean isPretrained(String name) {
        return name.startsWith("torchscript:");
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
