package dev.imed.model.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.transform.InputSpec;

/**
 * Builds one kind of backbone, a block mapping {@code [N, 3, H, W]} to features {@code [N, D]}.
 * Implementations register with {@code @AutoService(BackboneFactory.class)} and need a public
 * no-argument constructor; {@link Backbones} finds them by {@link #name()}.
 */
public interface BackboneFactory {

    /** The name users type, e.g. {@code resnet50}; with an argument, the part before the colon ({@code torchscript}). */
    String name();

    /** Whether the backbone is named {@code NAME:ARGUMENT} (a file, say) rather than {@code NAME}. */
    default boolean takesArgument() {
        return false;
    }

    /** How users write it, for help texts: {@code resnet50}, {@code torchscript:FILE}. */
    default String usage() {
        return takesArgument() ? name() + ":ARG" : name();
    }

    /** A freshly built backbone; {@code argument} is what follows the colon, or null. */
    Block create(String argument, NDManager manager);

    /** The input the backbone expects (size, normalisation). */
    InputSpec inputSpec();

    /**
     * Whether users may give their own {@link Preprocessing}: true for networks exported elsewhere,
     * which expect what their exporter fed them; false for those imed builds, whose input is fixed.
     */
    default boolean takesPreprocessing() {
        return false;
    }

    /** A freshly built backbone that reads its output as {@code preprocessing} says (only asked if it takes one). */
    default Block create(String argument, Preprocessing preprocessing, NDManager manager) {
        return create(argument, manager);
    }

    /** Whether it starts from pretrained weights (then it learns at a tenth of the rate). */
    default boolean pretrained() {
        return false;
    }
}
