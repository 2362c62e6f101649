package dev.imed.core.transform;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** The standard image transforms: resize, centre crop, random-resized crop, horizontal flip. */
public final class Transforms {
    private Transforms() {}

    /** Resizes so that the shorter side is {@code shorter} pixels, keeping the aspect ratio. */
    public static Transform resizeShorter(int shorter) {
        return (image, random) -> {
            int w = image.getWidth();
            int h = image.getHeight();
            if (Math.min(w, h) == shorter) {
                return image;
            }
            double scale = shorter / (double) Math.min(w, h);
            return scaled(image, 0, 0, w, h, Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)));
        };
    }

    /** Resizes to exactly {@code width × height}. */
    public static Transform resize(int width, int height) {
        return (image, random) -> image.getWidth() == width && image.getHeight() == height
                ? image
                : scaled(image, 0, 0, image.getWidth(), image.getHeight(), width, height);
    }

    /** Cuts the centred {@code width × height} window (the image must be at least that large). */
    public static Transform centerCrop(int width, int height) {
        return (image, random) -> {
            if (image.getWidth() == width && image.getHeight() == height) {
                return image;
            }
            if (image.getWidth() < width || image.getHeight() < height) {
                return scaled(image, 0, 0, image.getWidth(), image.getHeight(), width, height);
            }
            int x = (image.getWidth() - width) / 2;
            int y = (image.getHeight() - height) / 2;
            return copy(image.getSubimage(x, y, width, height));
        };
    }

    /**
     * Inception-style random-resized crop: a window covering 8%–100% of the area with aspect ratio
     * 3/4–4/3, resized to {@code size × size}; falls back to the centre square after ten misses.
     */
    public static Transform randomResizedCrop(int size) {
        return randomResizedCrop(size, 0.08, 1.0);
    }

    public static Transform randomResizedCrop(int size, double minScale, double maxScale) {
        return (image, random) -> {
            int w = image.getWidth();
            int h = image.getHeight();
            double area = w * (double) h;
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * (minScale + random.nextDouble() * (maxScale - minScale));
                double logRatio = Math.log(3.0 / 4) + random.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
                double ratio = Math.exp(logRatio);
                int cw = (int) Math.round(Math.sqrt(target * ratio));
                int ch = (int) Math.round(Math.sqrt(target / ratio));
                if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                    int x = random.nextInt(w - cw + 1);
                    int y = random.nextInt(h - ch + 1);
                    return scaled(image, x, y, cw, ch, size, size);
                }
            }
            int side = Math.min(w, h);
            return scaled(image, (w - side) / 2, (h - side) / 2, side, side, size, size);
        };
    }

    /** Mirrors left-right with probability one half. */
    public static Transform horizontalFlip() {
        return (image, random) -> {
            if (!random.nextBoolean()) {
                return image;
            }
            int w = image.getWidth();
            int h = image.getHeight();
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] row = new int[w];
            int[] flipped = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    flipped[x] = row[w - 1 - x];
                }
                out.setRGB(0, y, w, 1, flipped, 0, w);
            }
            return out;
        };
    }

    /** Converts any picture to {@code TYPE_INT_RGB} (grayscale is replicated, alpha dropped). */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        return copy(image);
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage scaled(BufferedImage image, int x, int y, int w, int h, int outW, int outH) {
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, outW, outH, x, y, x + w, y + h, null);
        g.dispose();
        return out;
    }
}
