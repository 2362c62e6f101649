package dev.imed.streaming.decode;

/**
 * An image ready for the models: preprocessed per the teacher's input spec into CHW floats.
 *
 * @param path the file it came from
 * @param pixels {@code 3·H·W} normalised floats
 */
public record DecodedImage(String path, float[] pixels) {}
