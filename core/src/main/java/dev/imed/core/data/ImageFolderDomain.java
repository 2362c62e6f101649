package dev.imed.core.data;

import com.google.auto.service.AutoService;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The image-folder layout, {@code <root>/<class>/*}: one sub-directory per class, classes sorted by
 * name (as torchvision's {@code ImageFolder} orders them), every jpg/jpeg/png/bmp/gif file below a
 * class directory is an image of that class, in path order.
 */
public final class ImageFolderDomain extends FileDomain {

    private ImageFolderDomain(String name, Listing listing) {
        super(name, listing.classNames(), listing.files(), listing.labels());
    }

    /** Opens {@code <root>/<class>/*} under the name {@code folder:<root's name>}. */
    public static ImageFolderDomain open(Path root) {
        return open("folder:" + nameOf(root), root);
    }

    public static ImageFolderDomain open(String name, Path root) {
        return new ImageFolderDomain(name, scan(root));
    }

    /** The classes, files and labels found under {@code root}; shared by the layouts built on folders. */
    record Listing(List<String> classNames, List<Path> files, int[] labels) {}

    static Listing scan(Path root) {
        requireDirectory(root);
        List<Path> classDirs;
        try (Stream<Path> children = Files.list(root)) {
            classDirs = children.filter(Files::isDirectory)
                    .filter(dir -> !dir.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw DatasetException.at(root, "cannot list the directory: " + e.getMessage(), e);
        }
        if (classDirs.isEmpty()) {
            boolean looseImages;
            try (Stream<Path> children = Files.list(root)) {
                looseImages = children.anyMatch(FileDomain::isImageFile);
            } catch (IOException e) {
                looseImages = false;
            }
            throw DatasetException.at(root, "no images: no class sub-directories (expected <root>/<class>/<image>"
                    + (looseImages ? "; the images lie directly in the root" : "") + ")");
        }
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            int label = classNames.size();
            classNames.add(classDir.getFileName().toString());
            List<Path> images = imagesBelow(classDir);
            if (images.isEmpty()) {
                throw DatasetException.at(classDir, "empty class: no image files ("
                        + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in this class directory");
            }
            for (Path image : images) {
                files.add(image);
                labels.add(label);
            }
        }
        return new Listing(classNames, files, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Image files anywhere below {@code dir} (links followed), sorted by path so the order repeats. */
    static List<Path> imagesBelow(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(Files::isRegularFile)
                    .filter(FileDomain::isImageFile)
                    .filter(file -> !hiddenBelow(dir, file))
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            throw DatasetException.at(dir, "cannot list the directory: " + e.getMessage(), e);
        }
    }

    /** Whether a directory between {@code dir} and {@code file} is hidden (e.g. {@code .thumbnails}). */
    private static boolean hiddenBelow(Path dir, Path file) {
        for (Path part : dir.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** A directory of class sub-directories of images: {@code folder:DIR}. */
    @AutoService(DomainLayout.class)
    public static final class Layout implements DomainLayout {
        @Override
        public String name() {
            return "folder";
        }

        @Override
        public Domain open(Path path) {
            return ImageFolderDomain.open(path);
        }
    }
}
