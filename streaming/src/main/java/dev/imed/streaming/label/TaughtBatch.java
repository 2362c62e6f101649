package dev.imed.streaming.label;

/**
 * A micro-batch with the teacher's outputs, what online distillation learns from. Arrays are
 * row-major over the batch: image {@code i} is {@code images[i·3HW, (i+1)·3HW)}.
 *
 * @param teacherSha sha256 of the teacher's weights
 * @param paths the files
 * @param images the preprocessed images, {@code N·3·H·W}
 * @param features the teacher's fused features f_ens, {@code N·D}
 * @param logits the teacher's logits z_ens, {@code N·C}
 */
public record TaughtBatch(String teacherSha, String[] paths, float[] images, float[] features, float[] logits) {
    public int size() {
        return paths.length;
    }

    public int pixelsPerImage() {
        return images.length / paths.length;
    }

    public int featureWidth() {
        return features.length / paths.length;
    }

    public int classes() {
        return logits.length / paths.length;
    }
}
