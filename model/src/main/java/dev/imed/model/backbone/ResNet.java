package dev.imed.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import com.google.auto.service.AutoService;
import dev.imed.core.transform.InputSpec;
import java.util.List;

/**
 * ResNet-18 and ResNet-50 (He et al. 2016) as DJL blocks, without the classifier: the output is the
 * globally pooled feature (512 or 2048 wide), as UDA methods put their bottleneck on it.
 */
public final class ResNet {
    private ResNet() {}

    public static SequentialBlock resnet18() {
        return build(new int[] {2, 2, 2, 2}, false);
    }

    public static SequentialBlock resnet50() {
        return build(new int[] {3, 4, 6, 3}, true);
    }

    /** {@code resnet18}, randomly initialised, on ImageNet-sized inputs. */
    @AutoService(BackboneFactory.class)
    public static final class ResNet18 extends BuiltInBackbone {
        public ResNet18() {
            super("resnet18", ResNet::resnet18, InputSpec.imagenet());
        }
    }

    /** {@code resnet50}, randomly initialised, on ImageNet-sized inputs. */
    @AutoService(BackboneFactory.class)
    public static final class ResNet50 extends BuiltInBackbone {
        public ResNet50() {
            super("resnet50", ResNet::resnet50, InputSpec.imagenet());
        }
    }

    private static SequentialBlock build(int[] blocks, boolean bottleneck) {
        SequentialBlock net = new SequentialBlock()
                .add(conv(64, 7, 2, 3))
                .add(BatchNorm.builder().build())
                .add(InPlaceRelu::apply)
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < 4; stage++) {
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                boolean project = b == 0 && (stage > 0 || bottleneck);
                net.add(bottleneck ? bottleneckUnit(widths[stage], stride, project) : basicUnit(widths[stage], stride, project));
            }
        }
        return net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    }

    private static Block basicUnit(int width, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(width, 3, stride, 1)).add(BatchNorm.builder().build()).add(InPlaceRelu::apply)
                .add(conv(width, 3, 1, 1)).add(BatchNorm.builder().build());
        return residual(main, shortcut(width, stride, project));
    }

    private static Block bottleneckUnit(int width, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(width, 1, 1, 0)).add(BatchNorm.builder().build()).add(InPlaceRelu::apply)
                .add(conv(width, 3, stride, 1)).add(BatchNorm.builder().build()).add(InPlaceRelu::apply)
                .add(conv(width * 4, 1, 1, 0)).add(BatchNorm.builder().build());
        return residual(main, shortcut(width * 4, stride, project));
    }

    private static Block shortcut(int width, int stride, boolean project) {
        if (!project) {
            return Blocks.identityBlock();
        }
        return new SequentialBlock().add(conv(width, 1, stride, 0)).add(BatchNorm.builder().build());
    }

    private static Block residual(Block main, Block shortcut) {
        return new SequentialBlock()
                .add(new ParallelBlock(ResNet::sum, List.of(main, shortcut)))
                .add(InPlaceRelu::apply);
    }

    /**
     * The residual sum, in place as torchvision's {@code out += identity}: one activation fewer per unit. The main
     * branch ends in a BatchNorm whose output nobody else reads; {@link LeanForward} computes it without DJL's axis
     * swap, so it is not a view, and autograd needs neither operand for the sum's backward. (DJL's own forward gives a
     * view there: still correct, but autograd then rebuilds the view's base in backward.)
     */
    private static NDList sum(List<NDList> branches) {
        NDArray main = branches.get(0).singletonOrThrow();
        NDArray shortcut = branches.get(1).singletonOrThrow();
        return new NDList(main.addi(shortcut));
    }

    private static Conv2d conv(int filters, int kernel, int stride, int pad) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad))
                .optBias(false)
                .build();
    }
}
