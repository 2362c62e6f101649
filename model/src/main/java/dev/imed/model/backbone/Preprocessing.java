package dev.imed.model.backbone;

import dev.imed.core.transform.InputSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a TorchScript backbone was exported to expect: how its images are sized and normalised, and
 * whether its output feature map is pooled. A network trained elsewhere only works on inputs prepared
 * as its trainer prepared them, so users give this instead of imed assuming ImageNet's recipe.
 *
 * <p>The input part becomes the bundle's {@link InputSpec} (so evaluation, distillation, serving and
 * streaming of the bundle prepare images the same way); {@code pool} is part of the network, recorded
 * in the manifest's architecture.
 *
 * @param resize shorter side before the centre crop, or 0 to resize straight to the crop size
 * @param crop side of the square centre crop the network sees
 * @param mean per-channel mean (R, G, B) on a 0..1 scale
 * @param std per-channel standard deviation (R, G, B) on a 0..1 scale
 * @param pool whether a feature-map output {@code [N, C, H, W]} is globally average-pooled to {@code [N, C]};
 *     otherwise it is flattened to {@code [N, C·H·W]}
 */
public record Preprocessing(int resize, int crop, List<Float> mean, List<Float> std, boolean pool) {
    /** The largest side accepted: beyond it one image's tensor alone passes the JVM's direct-memory budget. */
    public static final int MAX_SIDE = 4096;

    private static final int IMAGENET_RESIZE = 256;
    private static final int IMAGENET_CROP = 224;
    private static final List<Float> IMAGENET_MEAN = List.of(0.485f, 0.456f, 0.406f);
    private static final List<Float> IMAGENET_STD = List.of(0.229f, 0.224f, 0.225f);

    public Preprocessing {
        if (crop < 1 || crop > MAX_SIDE) {
            throw new IllegalArgumentException("crop must be 1.." + MAX_SIDE + " pixels, got " + crop);
        }
        if (resize != 0 && (resize < crop || resize > MAX_SIDE)) {
            throw new IllegalArgumentException("resize must be 0 (straight to the crop size) or " + crop + ".." + MAX_SIDE
                    + " pixels (at least the crop, " + crop + "), got " + resize);
        }
        mean = channels("mean", mean);
        std = channels("std", std);
        for (float m : mean) {
            if (!(m >= 0 && m <= 1)) {
                throw new IllegalArgumentException("mean " + format(m) + " is not on a 0..1 scale"
                        + (m > 1 && m <= 255 ? " (divide 0..255 values by 255)" : ""));
            }
        }
        for (float s : std) {
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("std " + format(s) + " must be above 0 and at most 1, on a 0..1 scale"
                        + (s > 1 && s <= 255 ? " (divide 0..255 values by 255)" : ""));
            }
        }
    }

    /** Resize 256, crop 224, ImageNet's mean and std, pooled: what torchvision's pretrained networks expect. */
    public static Preprocessing imagenet() {
        return new Preprocessing(IMAGENET_RESIZE, IMAGENET_CROP, IMAGENET_MEAN, IMAGENET_STD, true);
    }

    /**
     * ImageNet's recipe with the values a user gave in place of its own; a null keeps ImageNet's value,
     * except that the resize follows a given crop in ImageNet's proportion (crop × 8/7, 256 for 224), so
     * that {@code crop: 384} alone does not fail for a resize smaller than the crop.
     */
    public static Preprocessing imagenetExcept(Integer resize, Integer crop, List<Float> mean, List<Float> std, Boolean pool) {
        int side = crop != null ? crop : IMAGENET_CROP;
        int shorter = resize != null ? resize : Math.min(MAX_SIDE, Math.round(side * (float) IMAGENET_RESIZE / IMAGENET_CROP));
        return new Preprocessing(shorter, side, mean != null ? mean : IMAGENET_MEAN, std != null ? std : IMAGENET_STD,
                pool == null || pool);
    }

    /**
     * The input spec of a bundle whose backbone reads images this way. Training augments with
     * random-resized crops and flips, as pretrained photo networks are fine-tuned.
     */
    public InputSpec inputSpec() {
        return new InputSpec(crop, crop, resize, array(mean), array(std), true);
    }

    /** As recorded in a manifest's training configuration. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("resize", resize);
        map.put("crop", crop);
        map.put("mean", mean);
        map.put("std", std);
        map.put("pool", pool);
        return map;
    }

    /** Three values, or one value for every channel. */
    private static List<Float> channels(String name, List<Float> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(name + " needs 3 values (R,G,B), got none");
        }
        if (values.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(name + " has an empty value: " + values);
        }
        if (values.size() == 1) {
            return List.of(values.get(0), values.get(0), values.get(0));
        }
        if (values.size() != 3) {
            throw new IllegalArgumentException(name + " needs 3 values (R,G,B) or 1 for all channels, got " + values.size()
                    + ": " + String.join(",", values.stream().map(Preprocessing::format).toList()));
        }
        return List.copyOf(values);
    }

    private static float[] array(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static String format(float value) {
        return value == (long) value ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
    }
}
