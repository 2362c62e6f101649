package dev.imed.core.data;

import com.google.auto.service.AutoService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One domain of Office-Home (Venkateswara et al., 2017), laid out as distributed:
 * {@code ROOT/<Domain>/<class>/*.jpg}. Open it with the domain directory ({@code ROOT/Art}); classes
 * are sorted by name.
 */
public final class OfficeHome extends FileDomain {
    /** The four domains of the benchmark. */
    public static final List<String> DOMAINS = List.of("Art", "Clipart", "Product", "Real_World");

    private OfficeHome(String name, ImageFolderDomain.Listing listing) {
        super(name, listing.classNames(), listing.files(), listing.labels());
    }

    /** Opens {@code ROOT/<Domain>} as {@code officehome:<Domain>}. */
    public static OfficeHome open(Path dir) {
        requireDirectory(dir);
        // Handed the root, the folder scan would take the four domains for four classes: refuse instead.
        // (no Office-Home class is named like a domain, and a domain directory holds class directories).
        if (DOMAINS.stream().anyMatch(domain -> hasSubdirectory(dir.resolve(domain)))) {
            throw DatasetException.at(dir, "this is the Office-Home root, not a domain: pass ROOT/Art, "
                    + "ROOT/Clipart, ROOT/Product or ROOT/Real_World");
        }
        return new OfficeHome("officehome:" + nameOf(dir), ImageFolderDomain.scan(dir));
    }

    private static boolean hasSubdirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            return false;
        }
    }

    /** Office-Home's layout: {@code officehome:ROOT/Art}. */
    @AutoService(DomainLayout.class)
    public static final class Layout implements DomainLayout {
        @Override
        public String name() {
            return "officehome";
        }

        @Override
        public Domain open(Path path) {
            return OfficeHome.open(path);
        }
    }
}
