package dev.imed.core.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Miniature copies of the dataset layouts imed reads, filled with tiny images (32×32 by default), so
 * tests can open real trees in a temporary directory in milliseconds.
 *
 * <p>Every image is recognisable: its centre ({@link #CORE_FROM}..{@link #CORE_TO} in both directions)
 * is the flat {@link #classColour(int) colour of its class}, a darker square marks one corner (chosen by
 * the image's number) and a frame tinted by the domain surrounds it, so domains differ as well as classes.
 * Images are deterministic: the same call writes the same bytes.
 */
public final class MiniTrees {
    /** Side of the generated images, in pixels. */
    public static final int SIDE = 32;
    /** The centre square [CORE_FROM, CORE_TO) of every image is the flat class colour (for JPEG too, up to compression). */
    public static final int CORE_FROM = 12;
    public static final int CORE_TO = 20;

    /** Three Office-31 class names, for tests that need realistic ones. */
    public static final List<String> OFFICE31_CLASSES = List.of("back_pack", "bike", "calculator");
    /** Three Office-Home class names. */
    public static final List<String> OFFICE_HOME_CLASSES = List.of("Alarm_Clock", "Backpack", "Batteries");
    /** The first three VisDA-2017 classes, in the official label order. */
    public static final List<String> VISDA_CLASSES = List.of("aeroplane", "bicycle", "bus");

    private MiniTrees() {}

    /**
     * {@code <root>/<domain>/images/<class>/frame_NNNN.jpg}, as Office-31 is distributed; returns {@code root}.
     * Open a domain with {@code office31:<root>/<domain>}.
     */
    public static Path office31(Path root, List<String> domains, List<String> classes, int perClass) {
        for (int d = 0; d < domains.size(); d++) {
            Path images = root.resolve(domains.get(d)).resolve("images");
            for (int c = 0; c < classes.size(); c++) {
                for (int i = 0; i < perClass; i++) {
                    write(images.resolve(classes.get(c)).resolve(String.format(Locale.ROOT, "frame_%04d.jpg", i + 1)),
                            image(c, i, d, SIDE));
                }
            }
        }
        return root;
    }

    /** {@code <root>/<Domain>/<class>/NNNNN.jpg}, as Office-Home is distributed; returns {@code root}. */
    public static Path officeHome(Path root, List<String> domains, List<String> classes, int perClass) {
        for (int d = 0; d < domains.size(); d++) {
            Path domainDir = root.resolve(domains.get(d));
            for (int c = 0; c < classes.size(); c++) {
                for (int i = 0; i < perClass; i++) {
                    write(domainDir.resolve(classes.get(c)).resolve(String.format(Locale.ROOT, "%05d.jpg", i + 1)),
                            image(c, i, d, SIDE));
                }
            }
        }
        return root;
    }

    /**
     * VisDA-2017: {@code <root>/train/<class>/src_1_NNNN.png} (the synthetic split, PNG) and
     * {@code <root>/validation/<class>/<class>_NNNN.jpg} (the real split, JPEG), each split with its
     * {@code image_list.txt} whose labels are the positions in {@code classes}; returns {@code root}.
     */
    public static Path visda(Path root, List<String> classes, int perClass) {
        visdaSplit(root.resolve("train"), classes, perClass, 0, "src_1_%04d.png");
        visdaSplit(root.resolve("validation"), classes, perClass, 1, "%2$s_%1$04d.jpg");
        return root;
    }

    private static void visdaSplit(Path split, List<String> classes, int perClass, int domain, String pattern) {
        StringBuilder list = new StringBuilder();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                String relative = classes.get(c) + "/" + String.format(Locale.ROOT, pattern, i + 1, classes.get(c));
                write(split.resolve(relative), image(c, i, domain, SIDE));
                list.append(relative).append(' ').append(c).append('\n');
            }
        }
        writeText(split.resolve("image_list.txt"), list.toString());
    }

    /**
     * An image list {@code <dir>/<listName>} of {@code images/<class>/NNN.png label} lines, labels
     * being positions in {@code classes}, with a {@code classes.txt} beside it when asked; returns the
     * list file. Class names may contain spaces (the paths then do too).
     */
    public static Path imageList(Path dir, String listName, List<String> classes, int perClass, boolean writeClassesFile) {
        StringBuilder list = new StringBuilder();
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                String relative = "images/" + classes.get(c) + "/" + String.format(Locale.ROOT, "%03d.png", i);
                write(dir.resolve(relative), image(c, i, 0, SIDE));
                list.append(relative).append(' ').append(c).append('\n');
            }
        }
        Path listFile = dir.resolve(listName);
        writeText(listFile, list.toString());
        if (writeClassesFile) {
            writeText(dir.resolve("classes.txt"), String.join("\n", classes) + "\n");
        }
        return listFile;
    }

    /** {@code <root>/<class>/NNN.png}; returns {@code root}. */
    public static Path imageFolder(Path root, List<String> classes, int perClass) {
        for (int c = 0; c < classes.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                write(root.resolve(classes.get(c)).resolve(String.format(Locale.ROOT, "%03d.png", i)), image(c, i, 0, SIDE));
            }
        }
        return root;
    }

    /** The flat colour of class {@code classIndex}'s image centres: hues a golden angle apart, saturated. */
    public static int classColour(int classIndex) {
        float hue = (float) ((classIndex * 0.618033988749895) % 1.0);
        return Color.HSBtoRGB(hue, 0.7f, 0.85f) & 0xffffff;
    }

    /** Whether {@code rgb} is within {@code tolerance} of {@code expected} in every channel. */
    public static boolean near(int rgb, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((expected >> shift) & 0xff)) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /**
     * One image: class colour with a darker corner square (corner = {@code variant mod 4}), a frame
     * tinted by {@code domain} and a little seeded noise outside the centre.
     */
    public static BufferedImage image(int classIndex, int variant, int domain, int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int colour = classColour(classIndex);
        int dark = new Color(colour).darker().darker().getRGB() & 0xffffff;
        int tint = Color.HSBtoRGB((float) ((domain * 0.3 + 0.1) % 1.0), 0.4f, 0.6f) & 0xffffff;
        Random noise = new Random(31L * (31L * classIndex + variant) + domain);
        int square = side / 4;
        int corner = Math.floorMod(variant, 4);
        int frame = Math.max(1, side / 16);
        int coreFrom = side * CORE_FROM / SIDE;
        int coreTo = side * CORE_TO / SIDE;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = colour;
                boolean inSquare = (corner % 2 == 0 ? x < frame + square && x >= frame : x >= side - frame - square && x < side - frame)
                        && (corner < 2 ? y < frame + square && y >= frame : y >= side - frame - square && y < side - frame);
                if (x < frame || y < frame || x >= side - frame || y >= side - frame) {
                    rgb = tint;
                } else if (inSquare) {
                    rgb = dark;
                }
                boolean core = x >= coreFrom && x < coreTo && y >= coreFrom && y < coreTo;
                image.setRGB(x, y, core ? rgb : jitter(rgb, noise));
            }
        }
        return image;
    }

    private static int jitter(int rgb, Random noise) {
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int v = ((rgb >> shift) & 0xff) + noise.nextInt(9) - 4;
            out |= Math.max(0, Math.min(255, v)) << shift;
        }
        return out;
    }

    /** Writes an image in the format its extension names (png, jpg/jpeg, bmp, gif), creating directories. */
    public static void write(Path file, BufferedImage image) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.substring(name.lastIndexOf('.') + 1);
        if (format.equals("jpg")) {
            format = "jpeg";
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (format.equals("jpeg")) {
                writeJpeg(file, image);
            } else if (!ImageIO.write(image, format, file.toFile())) {
                throw new IllegalArgumentException(file + ": no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JPEG at quality 0.95: the default 0.75 smears saturated colours too far on a 32-pixel image. */
    private static void writeJpeg(Path file, BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** The mean colour of an image's centre square, where {@link #image} painted the flat class colour. */
    public static int coreColour(BufferedImage image) {
        int from = image.getWidth() * CORE_FROM / SIDE;
        int to = image.getWidth() * CORE_TO / SIDE;
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = from; y < to; y++) {
            for (int x = from; x < to; x++) {
                int rgb = image.getRGB(x, y);
                r += (rgb >> 16) & 0xff;
                g += (rgb >> 8) & 0xff;
                b += rgb & 0xff;
            }
        }
        long n = (long) (to - from) * (to - from);
        return (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n);
    }

    /** Writes a UTF-8 text file, creating directories. */
    public static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lists the files below {@code dir} whose names end in {@code suffix}, sorted. */
    public static List<Path> filesEndingWith(Path dir, String suffix) {
        try (var walk = Files.walk(dir)) {
            return new ArrayList<>(walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
