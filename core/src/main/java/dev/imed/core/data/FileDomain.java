package dev.imed.core.data;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * A domain whose images are files on disk, decoded with ImageIO when loaded. The layouts
 * ({@link ImageFolderDomain}, {@link Office31}, {@link OfficeHome}, {@link VisDa}, {@link ImageListDomain})
 * only differ in how they find the files and their labels.
 */
public class FileDomain implements Domain {
    /** File name endings taken as images when a layout lists a directory (compared case-insensitively). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private final String name;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;

    /**
     * @param name the domain's name for reports
     * @param classNames the class names, indexed by label
     * @param files the image files, in index order
     * @param labels one label per file, each a class index or {@link Domain#UNLABELLED}
     */
    public FileDomain(String name, List<String> classNames, List<Path> files, int[] labels) {
        this.name = Objects.requireNonNull(name);
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        if (files.size() != labels.length) {
            throw new IllegalArgumentException(name + ": " + files.size() + " files but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != UNLABELLED && (labels[i] < 0 || labels[i] >= this.classNames.size())) {
                throw DatasetException.at(files.get(i), "label " + labels[i] + " out of range 0.."
                        + (this.classNames.size() - 1));
            }
        }
        this.labels = labels.clone();
    }

    @Override public String name() { return name; }
    @Override public List<String> classNames() { return classNames; }
    @Override public int size() { return files.size(); }
    @Override public int label(int index) { return labels[index]; }
    @Override public String locate(int index) { return files.get(index).toString(); }

    /** The file of image {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** All files, in index order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public BufferedImage load(int index) {
        return read(files.get(index));
    }

    /** Decodes one image file as {@code TYPE_INT_RGB}; any failure names the file. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw DatasetException.at(file, Files.exists(file) ? "not a regular file" : "image file does not exist");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException and sometimes as runtime exceptions from the codec.
            throw DatasetException.at(file, "unreadable or corrupt image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw DatasetException.at(file, "cannot decode: not an image in a format ImageIO reads (jpeg, png, bmp, gif)");
        }
        return toRgb(image);
    }

    /** Checks that a layout's root exists and is a directory, naming it in the error otherwise. */
    static Path requireDirectory(Path dir) {
        if (!Files.exists(dir)) {
            throw DatasetException.at(dir, "dataset directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw DatasetException.at(dir, "not a directory (expected the dataset's directory)");
        }
        return dir;
    }

    /** A directory's own name, or the path itself for a root such as {@code /}. */
    static String nameOf(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return fileName == null ? dir.toString() : fileName.toString();
    }

    /** Whether a file name ends in one of the {@link #IMAGE_EXTENSIONS}; hidden files (macOS "._x.jpg") never count. */
    public static boolean isImageFile(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return !fileName.startsWith(".") && dot > 0
                && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Converts a decoded picture to {@code TYPE_INT_RGB}. Gray pictures are replicated from their raw
     * samples, because {@code getRGB} would pass them through Java's linear-gray colour space and
     * brighten them (128 becomes 188); alpha is dropped, keeping the colour underneath, as PIL's
     * {@code convert("RGB")} does.
     */
    static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getColorSpace().getNumComponents() == 1
                && image.getColorModel().getNumColorComponents() == 1
                && image.getColorModel().getPixelSize() / image.getColorModel().getNumComponents() >= 8;
        if (gray) {
            int bits = image.getColorModel().getComponentSize(0);
            int[] row = new int[w];
            int[] rgb = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : row[x] >> (bits - 8);
                    rgb[x] = (v << 16) | (v << 8) | v;
                }
                out.setRGB(0, y, w, 1, rgb, 0, w);
            }
            return out;
        }
        if (image.getColorModel().hasAlpha()) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    row[x] &= 0xffffff;
                }
                out.setRGB(0, y, w, 1, row, 0, w);
            }
            return out;
        }
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }
}
