package dev.imed.cli;

import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.Preprocessing;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A TorchScript backbone's own preprocessing, for {@code train component}: separate options rather than
 * one spec string, so that each has its help line and default and an error names the option. Left
 * out, a value keeps ImageNet's ({@link Preprocessing#imagenetExcept}).
 */
final class PreprocessingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--resize", paramLabel = "PIXELS", description = "torchscript backbones: shorter side before the centre crop, "
            + "0 to resize straight to the crop size (default: crop × 8/7, i.e. 256 for 224)")
    Integer resize;
    @Option(names = "--crop", paramLabel = "PIXELS", description = "torchscript backbones: side of the square centre crop "
            + "the network sees (default: 224)")
    Integer crop;
    @Option(names = "--mean", paramLabel = "R,G,B", split = ",", description = "torchscript backbones: per-channel mean on a "
            + "0..1 scale, or one value for all (default: ImageNet's 0.485,0.456,0.406)")
    List<Float> mean;
    @Option(names = "--std", paramLabel = "R,G,B", split = ",", description = "torchscript backbones: per-channel standard "
            + "deviation on a 0..1 scale, or one value for all (default: ImageNet's 0.229,0.224,0.225)")
    List<Float> std;
    @Option(names = "--no-pool", description = "torchscript backbones: flatten a feature-map output [N,C,H,W] to C·H·W "
            + "features instead of average-pooling it to C")
    boolean noPool;

    /**
     * The preprocessing the options give for {@code backbone}, or null when none was given (the
     * backbone's own). A value out of range, or any of these options with a backbone whose input imed
     * fixes, is a usage error naming it.
     */
    Preprocessing resolve(String backbone) {
        List<String> given = given();
        if (given.isEmpty()) {
            return null;
        }
        if (!Backbones.takesPreprocessing(backbone)) {
            try {
                Backbones.requirePreprocessingAllowed(backbone);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(command.commandLine(), String.join(", ", given) + ": " + e.getMessage());
            }
        }
        try {
            return Preprocessing.imagenetExcept(resize, crop, mean, std, noPool ? false : null);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), "--" + e.getMessage());
        }
    }

    private List<String> given() {
        List<String> names = new ArrayList<>();
        if (resize != null) {
            names.add("--resize");
        }
        if (crop != null) {
            names.add("--crop");
        }
        if (mean != null) {
            names.add("--mean");
        }
        if (std != null) {
            names.add("--std");
        }
        if (noPool) {
            names.add("--no-pool");
        }
        return names;
    }
}
