package dev.imed.core.transform;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a model expects of its input, stored in every bundle: the evaluation pipeline is
 * "resize the shorter side to {@code resize} (0: to the crop size), centre-crop {@code height × width},
 * normalise per channel". Training adds augmentation when {@code augment} is set.
 *
 * @param height input height in pixels
 * @param width input width in pixels
 * @param resize shorter side before the centre crop, or 0 to resize straight to the crop size
 * @param mean per-channel mean, on a 0..1 scale
 * @param std per-channel standard deviation, on a 0..1 scale
 * @param augment whether training uses random-resized crops and flips
 */
public record InputSpec(int height, int width, int resize, float[] mean, float[] std, boolean augment) {

    public InputSpec {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("input size must be positive: " + height + "×" + width);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 channels");
        }
    }

    /** Digits: 28×28, no augmentation, centred to [-1, 1]. */
    public static InputSpec digits() {
        return new InputSpec(28, 28, 0, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, false);
    }

    /** ImageNet: resize 256, crop 224, ImageNet mean and std; training uses random-resized crops and flips. */
    public static InputSpec imagenet() {
        return imagenet(224, 256);
    }

    public static InputSpec imagenet(int crop, int resize) {
        return new InputSpec(crop, crop, resize, new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}, true);
    }

    public int channels() {
        return 3;
    }

    public int pixelsPerImage() {
        return 3 * height * width;
    }

    /** The deterministic pipeline used for evaluation and inference. */
    public List<Transform> evalTransforms() {
        List<Transform> steps = new ArrayList<>();
        if (resize > 0) {
            steps.add(Transforms.resizeShorter(resize));
            steps.add(Transforms.centerCrop(width, height));
        } else {
            steps.add(Transforms.resize(width, height));
        }
        return steps;
    }

    /** The training pipeline: the evaluation one, or random-resized crop and flip when {@link #augment}. */
    public List<Transform> trainTransforms() {
        if (!augment) {
            return evalTransforms();
        }
        List<Transform> steps = new ArrayList<>();
        if (resize > 0) {
            steps.add(Transforms.resizeShorter(resize));
        }
        steps.add(Transforms.randomResizedCrop(width));
        steps.add(Transforms.horizontalFlip());
        return steps;
    }

    /** Applies {@code steps}, then writes the normalised CHW floats of the image into {@code out} at {@code offset}. */
    public void toTensor(BufferedImage image, List<Transform> steps, Random random, float[] out, int offset) {
        BufferedImage current = Transforms.toRgb(image);
        for (Transform step : steps) {
            current = step.apply(current, random);
        }
        if (current.getWidth() != width || current.getHeight() != height) {
            current = Transforms.resize(width, height).apply(current, random);
        }
        normalize(current, out, offset);
    }

    /** Normalises an RGB picture of exactly this spec's size into CHW floats. */
    public void normalize(BufferedImage rgb, float[] out, int offset) {
        int plane = height * width;
        int[] pixels = rgb.getRGB(0, 0, width, height, null, 0, width);
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1f / (255f * std[c]);
            shift[c] = mean[c] / std[c];
        }
        for (int p = 0; p < plane; p++) {
            int v = pixels[p];
            out[offset + p] = ((v >> 16) & 0xff) * scale[0] - shift[0];
            out[offset + plane + p] = ((v >> 8) & 0xff) * scale[1] - shift[1];
            out[offset + 2 * plane + p] = (v & 0xff) * scale[2] - shift[2];
        }
    }
}
