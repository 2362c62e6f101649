package dev.imed.core.data;

import com.google.auto.service.AutoService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One split of VisDA-2017 (Peng et al., 2017): {@code ROOT/train} (synthetic renderings) or
 * {@code ROOT/validation} (real photos), each {@code <split>/<class>/…} with an {@code image_list.txt}
 * of {@code relative/path label} lines, paths relative to the split directory.
 *
 * <p>With the list, the labels are the list's and the name of class {@code k} is the directory that
 * holds the entries labelled {@code k}, which must be the same directory for every such entry. Without
 * it, the split is read as an image folder (classes sorted by name, which for VisDA is the same order).
 */
public final class VisDa extends FileDomain {
    /** The twelve classes, in the label order of the official lists. */
    public static final List<String> CLASSES = List.of("aeroplane", "bicycle", "bus", "car", "horse", "knife",
            "motorcycle", "person", "plant", "skateboard", "train", "truck");
    /** The list file inside each split directory. */
    public static final String LIST_FILE = "image_list.txt";

    private VisDa(String name, List<String> classNames, List<Path> files, int[] labels) {
        super(name, classNames, files, labels);
    }

    /** Opens {@code ROOT/train} or {@code ROOT/validation} as {@code visda:<split>}. */
    public static VisDa open(Path splitDir) {
        requireDirectory(splitDir);
        String name = "visda:" + nameOf(splitDir);
        Path list = splitDir.resolve(LIST_FILE);
        if (Files.isRegularFile(list)) {
            return fromList(name, splitDir, list);
        }
        if (Files.isDirectory(splitDir.resolve("train")) || Files.isDirectory(splitDir.resolve("validation"))) {
            throw DatasetException.at(splitDir, "this is the VisDA-2017 root, not a split: pass ROOT/train or ROOT/validation");
        }
        ImageFolderDomain.Listing listing = ImageFolderDomain.scan(splitDir);
        return new VisDa(name, listing.classNames(), listing.files(), listing.labels());
    }

    private static VisDa fromList(String name, Path splitDir, Path list) {
        List<ImageListDomain.Entry> entries = ImageListDomain.parse(list);
        Path base = splitDir.toAbsolutePath().normalize();
        Map<Integer, ImageListDomain.Entry> firstOfLabel = new HashMap<>();
        Map<String, ImageListDomain.Entry> firstOfDirectory = new HashMap<>();
        Map<Integer, String> classOfLabel = new HashMap<>();
        int maxLabel = -1;
        for (ImageListDomain.Entry entry : entries) {
            if (entry.label() < 0) {
                throw entry.error(list, "label " + entry.label() + " out of range: labels are class indices from 0");
            }
            String directory = classDirectory(list, base, entry);
            ImageListDomain.Entry sameLabel = firstOfLabel.putIfAbsent(entry.label(), entry);
            if (sameLabel != null && !classOfLabel.get(entry.label()).equals(directory)) {
                throw entry.error(list, "inconsistent labels: label " + entry.label() + " is class '"
                        + classOfLabel.get(entry.label()) + "' on line " + sameLabel.line()
                        + " but this entry lies in '" + directory + "'");
            }
            classOfLabel.putIfAbsent(entry.label(), directory);
            ImageListDomain.Entry sameDirectory = firstOfDirectory.putIfAbsent(directory, entry);
            if (sameDirectory != null && sameDirectory.label() != entry.label()) {
                throw entry.error(list, "inconsistent labels: directory '" + directory + "' has label "
                        + sameDirectory.label() + " on line " + sameDirectory.line() + " but label " + entry.label() + " here");
            }
            maxLabel = Math.max(maxLabel, entry.label());
        }
        List<String> classNames = classNames(list, classOfLabel, maxLabel);
        List<Path> files = ImageListDomain.resolve(list, entries, base);
        return new VisDa(name, classNames, files, entries.stream().mapToInt(ImageListDomain.Entry::label).toArray());
    }

    /** The first directory of an entry's path below the split directory: its class. */
    private static String classDirectory(Path list, Path base, ImageListDomain.Entry entry) {
        Path path = Path.of(entry.path()).normalize();
        if (path.isAbsolute()) {
            if (!path.startsWith(base)) {
                throw entry.error(list, "cannot tell the class of " + path + ": it lies outside " + base);
            }
            path = base.relativize(path);
        }
        if (path.getNameCount() < 2 || path.startsWith("..")) {
            throw entry.error(list, "cannot tell the class of '" + entry.path()
                    + "': expected <class>/<image> relative to " + base);
        }
        return path.getName(0).toString();
    }

    /**
     * Class {@code k} is named after its directory. A label with no entry (a cut-down list) keeps its
     * official name when the other labels follow the official order; otherwise its name is unknown.
     */
    private static List<String> classNames(Path list, Map<Integer, String> classOfLabel, int maxLabel) {
        boolean official = classOfLabel.entrySet().stream()
                .allMatch(e -> e.getKey() < CLASSES.size() && CLASSES.get(e.getKey()).equals(e.getValue()));
        List<String> names = new ArrayList<>();
        for (int k = 0; k <= maxLabel; k++) {
            String directory = classOfLabel.get(k);
            if (directory == null) {
                if (!official) {
                    throw DatasetException.at(list, "no entry has label " + k + " (labels go up to " + maxLabel
                            + "), so the name of class " + k + " is unknown");
                }
                directory = CLASSES.get(k);
            }
            names.add(directory);
        }
        return names;
    }

    /** VisDA-2017's layout: {@code visda:ROOT/validation}. */
    @AutoService(DomainLayout.class)
    public static final class Layout implements DomainLayout {
        @Override
        public String name() {
            return "visda";
        }

        @Override
        public Domain open(Path path) {
            return VisDa.open(path);
        }
    }
}
