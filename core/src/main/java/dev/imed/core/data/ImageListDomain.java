package dev.imed.core.data;

import com.google.auto.service.AutoService;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The image-list format of thuml's Transfer-Learning-Library: a text file with one
 * {@code relative/path label} per line. Paths are relative to the list file's directory (or absolute)
 * and may contain spaces: the label is the last whitespace-separated token. Blank lines are skipped.
 * Class names come from a {@code classes.txt} beside the list (one name per line), else they are
 * {@code "0"} to the largest label.
 *
 * <p>The library itself keeps its lists in {@code ROOT/image_list/} with paths relative to
 * {@code ROOT}; such lists open as they are, because when the first entry is not found beside the
 * list but is found one directory up, the whole list is read relative to that parent.
 */
public final class ImageListDomain extends FileDomain {
    /** The optional file of class names next to a list. */
    public static final String CLASSES_FILE = "classes.txt";

    private ImageListDomain(String name, List<String> classNames, List<Path> files, int[] labels) {
        super(name, classNames, files, labels);
    }

    /** Opens a list file as {@code list:<file name without .txt>}. */
    public static ImageListDomain open(Path listFile) {
        String fileName = nameOf(listFile);
        String stem = fileName.endsWith(".txt") ? fileName.substring(0, fileName.length() - 4) : fileName;
        return open("list:" + stem, listFile);
    }

    public static ImageListDomain open(String name, Path listFile) {
        List<Entry> entries = parse(listFile);
        Path listDir = listFile.toAbsolutePath().normalize().getParent();
        Path classesFile = listDir.resolve(CLASSES_FILE);
        List<String> classNames = Files.isRegularFile(classesFile) && !classesFile.equals(listFile.toAbsolutePath().normalize())
                ? readClassNames(classesFile)
                : null;
        int maxLabel = -1;
        for (Entry entry : entries) {
            if (entry.label() < 0) {
                throw entry.error(listFile, "label " + entry.label() + " out of range: labels are class indices from 0");
            }
            if (classNames != null && entry.label() >= classNames.size()) {
                throw entry.error(listFile, "label " + entry.label() + " out of range 0.." + (classNames.size() - 1)
                        + " (" + classesFile + " has " + classNames.size() + " names)");
            }
            maxLabel = Math.max(maxLabel, entry.label());
        }
        if (classNames == null) {
            classNames = new ArrayList<>();
            for (int k = 0; k <= maxLabel; k++) {
                classNames.add(Integer.toString(k));
            }
        }
        List<Path> files = resolve(listFile, entries, chooseBase(listDir, entries));
        return new ImageListDomain(name, classNames, files,
                entries.stream().mapToInt(Entry::label).toArray());
    }

    /** One line of an image list: its 1-based line number, the path as written and the label. */
    record Entry(int line, String path, int label) {
        DatasetException error(Path listFile, String problem) {
            return new DatasetException(listFile + ":" + line + ": " + problem);
        }
    }

    /** Reads {@code path label} lines; a missing file, a line without a label or a non-integer label is an error. */
    static List<Entry> parse(Path listFile) {
        if (!Files.exists(listFile)) {
            throw DatasetException.at(listFile, "image list does not exist");
        }
        if (!Files.isRegularFile(listFile)) {
            throw DatasetException.at(listFile, "not a regular file (expected an image-list text file)");
        }
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(listFile, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int split = lastWhitespace(trimmed);
                if (split < 0) {
                    throw new DatasetException(listFile + ":" + lineNo + ": no label in '" + trimmed
                            + "' (expected 'relative/path label')");
                }
                String path = trimmed.substring(0, split).strip();
                String labelText = trimmed.substring(split + 1);
                int label;
                try {
                    label = Integer.parseInt(labelText);
                } catch (NumberFormatException e) {
                    throw new DatasetException(listFile + ":" + lineNo + ": no label: '" + labelText
                            + "' is not an integer (expected 'relative/path label')");
                }
                entries.add(new Entry(lineNo, path, label));
            }
        } catch (IOException e) {
            throw DatasetException.at(listFile, "cannot read the image list: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw DatasetException.at(listFile, "no images: the image list has no entries");
        }
        return entries;
    }

    /** The files of {@code entries}, relative paths taken from {@code base}; every file must exist. */
    static List<Path> resolve(Path listFile, List<Entry> entries, Path base) {
        List<Path> files = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            Path file = resolveOne(base, entry.path());
            if (!Files.isRegularFile(file)) {
                throw entry.error(listFile, "listed file does not exist: " + file);
            }
            files.add(file);
        }
        return files;
    }

    private static Path resolveOne(Path base, String path) {
        Path written = Path.of(path);
        return written.isAbsolute() ? written : base.resolve(written).normalize();
    }

    /** The list's directory, unless only its parent holds the first relative entry (thuml's ROOT/image_list/ convention). */
    private static Path chooseBase(Path listDir, List<Entry> entries) {
        Entry first = entries.get(0);
        Path parent = listDir.getParent();
        if (Path.of(first.path()).isAbsolute() || parent == null || Files.isRegularFile(resolveOne(listDir, first.path()))) {
            return listDir;
        }
        return Files.isRegularFile(resolveOne(parent, first.path())) ? parent : listDir;
    }

    private static List<String> readClassNames(Path classesFile) {
        try {
            List<String> names = Files.readAllLines(classesFile, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(name -> !name.isEmpty())
                    .toList();
            if (names.isEmpty()) {
                throw DatasetException.at(classesFile, "no class names (expected one name per line)");
            }
            if (new HashSet<>(names).size() != names.size()) {
                throw DatasetException.at(classesFile, "a class name appears twice");
            }
            return names;
        } catch (IOException e) {
            throw DatasetException.at(classesFile, "cannot read the class names: " + e.getMessage(), e);
        }
    }

    private static int lastWhitespace(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** A list file of {@code path label} lines: {@code list:FILE}. */
    @AutoService(DomainLayout.class)
    public static final class Layout implements DomainLayout {
        @Override
        public String name() {
            return "list";
        }

        @Override
        public Domain open(Path path) {
            return ImageListDomain.open(path);
        }
    }
}
