package dev.imed.core.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The {@code syn} domain: printed digits rendered with Java2D from every TrueType font installed on
 * the machine, with random scale, rotation (±15°), stroke weight, position jitter, blur and noise,
 * white on black. The same seed and the same fonts give the same images.
 */
public final class SyntheticDigits {
    /** Where Debian keeps its fonts; DejaVu is always there. */
    public static final List<Path> FONT_DIRS = List.of(Path.of("/usr/share/fonts"), Path.of("/usr/local/share/fonts"));

    private final int size;
    private final long seed;
    private final List<Font> fonts;

    private SyntheticDigits(Builder builder) {
        this.size = builder.size;
        this.seed = builder.seed;
        this.fonts = builder.fonts != null ? builder.fonts : installedFonts();
        if (fonts.isEmpty()) {
            throw new DatasetException("syn: no TrueType font that can draw digits was found under " + FONT_DIRS
                    + " (install fonts-dejavu-core)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every installed TrueType font that draws all ten digits, in a fixed (path) order. */
    public static List<Font> installedFonts() {
        List<Path> files = new ArrayList<>();
        for (Path dir : FONT_DIRS) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".ttf")).forEach(files::add);
            } catch (IOException e) {
                throw DatasetException.at(dir, "cannot list fonts", e);
            }
        }
        files.sort(null);
        List<Font> fonts = new ArrayList<>();
        for (Path file : files) {
            try {
                Font font = Font.createFont(Font.TRUETYPE_FONT, file.toFile());
                if (font.canDisplayUpTo("0123456789") == -1) {
                    fonts.add(font);
                }
            } catch (FontFormatException | IOException e) {
                // A broken font file is skipped: the set is "fonts that render", not "files present".
            }
        }
        return fonts;
    }

    public int fontCount() {
        return fonts.size();
    }

    /** Renders the balanced set: image i shows digit i mod 10. */
    public InMemoryDomain generate() {
        byte[][] pixels = new byte[size][];
        int[] labels = new int[size];
        Random random = new Random(seed);
        BufferedImage canvas = new BufferedImage(DigitDomains.SIDE, DigitDomains.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < size; i++) {
            int digit = i % 10;
            labels[i] = digit;
            pixels[i] = render(canvas, digit, random);
        }
        return new InMemoryDomain(size == 10_000 && seed == 0 ? "syn" : "syn:" + size + ":" + seed,
                DigitDomains.CLASSES, DigitDomains.SIDE, pixels, labels);
    }

    private byte[] render(BufferedImage canvas, int digit, Random random) {
        int side = DigitDomains.SIDE;
        Font font = fonts.get(random.nextInt(fonts.size()));
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, side, side);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);

        GlyphVector glyph = font.deriveFont(64f).createGlyphVector(g.getFontRenderContext(), Integer.toString(digit));
        Shape outline = glyph.getOutline();
        Rectangle2D bounds = outline.getBounds2D();
        // MNIST digits fit a 20×20 box with their height; scale the glyph to 14..20 px tall.
        double height = 14 + random.nextDouble() * 6;
        double scale = height / bounds.getHeight();
        double angle = Math.toRadians((random.nextDouble() * 2 - 1) * 15);
        double jitterX = (random.nextDouble() * 2 - 1) * 2;
        double jitterY = (random.nextDouble() * 2 - 1) * 2;
        AffineTransform transform = new AffineTransform();
        transform.translate(side / 2.0 + jitterX, side / 2.0 + jitterY);
        transform.rotate(angle);
        transform.scale(scale, scale);
        transform.translate(-bounds.getCenterX(), -bounds.getCenterY());
        Shape placed = transform.createTransformedShape(outline);

        g.setColor(Color.WHITE);
        g.fill(placed);
        // Stroke weight: from thin (none) to heavy (an extra outline up to 2 px).
        float stroke = (float) (random.nextDouble() * 2.0);
        if (stroke > 0.2f) {
            g.setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(placed);
        }
        g.dispose();

        byte[] gray = new byte[side * side];
        canvas.getRaster().getDataElements(0, 0, side, side, gray);
        float[] values = new float[gray.length];
        for (int p = 0; p < gray.length; p++) {
            values[p] = gray[p] & 0xff;
        }
        double sigma = random.nextDouble() * 1.0;
        if (sigma > 0.3) {
            values = gaussianBlur(values, side, sigma);
        }
        double noise = random.nextDouble() * 20;
        for (int p = 0; p < values.length; p++) {
            float v = (float) (values[p] + random.nextGaussian() * noise);
            gray[p] = (byte) Math.round(Math.max(0, Math.min(255, v)));
        }
        return gray;
    }

    /** Separable Gaussian blur with a 5-tap kernel; borders clamp. */
    static float[] gaussianBlur(float[] src, int side, double sigma) {
        int radius = 2;
        float[] kernel = new float[2 * radius + 1];
        float sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = (float) Math.exp(-(k * k) / (2 * sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        float[] tmp = new float[src.length];
        float[] out = new float[src.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int xx = Math.max(0, Math.min(side - 1, x + k));
                    acc += kernel[k + radius] * src[y * side + xx];
                }
                tmp[y * side + x] = acc;
            }
        }
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float acc = 0;
                for (int k = -radius; k <= radius; k++) {
                    int yy = Math.max(0, Math.min(side - 1, y + k));
                    acc += kernel[k + radius] * tmp[yy * side + x];
                }
                out[y * side + x] = acc;
            }
        }
        return out;
    }

    public static final class Builder {
        private int size = 10_000;
        private long seed = 0;
        private List<Font> fonts;

        private Builder() {}

        /** Number of images, balanced over the ten digits. */
        public Builder size(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("syn: size must be positive, got " + size);
            }
            this.size = size;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Render from these fonts instead of the installed ones (tests pin the font set this way). */
        public Builder fonts(List<Font> fonts) {
            this.fonts = List.copyOf(fonts);
            return this;
        }

        public SyntheticDigits build() {
            return new SyntheticDigits(this);
        }
    }
}
