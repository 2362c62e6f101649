package dev.imed.model.backbone;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.transform.InputSpec;
import java.util.function.Supplier;

/**
 * A backbone imed builds itself, with a fixed architecture and input: a name, how to build it and what it
 * reads. Each registered kind is a subclass with a public no-argument constructor, as {@code AutoService} needs.
 */
abstract class BuiltInBackbone implements BackboneFactory {
    private final String name;
    private final Supplier<Block> build;
    private final InputSpec inputSpec;

    BuiltInBackbone(String name, Supplier<Block> build, InputSpec inputSpec) {
        this.name = name;
        this.build = build;
        this.inputSpec = inputSpec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Block create(String argument, NDManager manager) {
        return build.get();
    }

    @Override
    public InputSpec inputSpec() {
        return inputSpec;
    }
}
