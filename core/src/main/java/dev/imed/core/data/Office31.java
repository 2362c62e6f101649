package dev.imed.core.data;

import com.google.auto.service.AutoService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One domain of Office-31 (Saenko et al., 2010), laid out as distributed:
 * {@code ROOT/<domain>/images/<class>/*.jpg}. Open it with the domain directory ({@code ROOT/amazon});
 * the {@code images} directory itself is accepted too. Classes are sorted by name.
 */
public final class Office31 extends FileDomain {
    /** The three domains of the benchmark. */
    public static final List<String> DOMAINS = List.of("amazon", "dslr", "webcam");

    private Office31(String name, ImageFolderDomain.Listing listing) {
        super(name, listing.classNames(), listing.files(), listing.labels());
    }

    /** Opens {@code ROOT/<domain>} (or {@code ROOT/<domain>/images}) as {@code office31:<domain>}. */
    public static Office31 open(Path dir) {
        requireDirectory(dir);
        Path images = dir.resolve("images");
        if (Files.isDirectory(images)) {
            return new Office31("office31:" + nameOf(dir), ImageFolderDomain.scan(images));
        }
        if (nameOf(dir).equals("images") && dir.toAbsolutePath().normalize().getParent() != null) {
            Path domainDir = dir.toAbsolutePath().normalize().getParent();
            return new Office31("office31:" + nameOf(domainDir), ImageFolderDomain.scan(dir));
        }
        boolean isRoot = DOMAINS.stream().anyMatch(domain -> Files.isDirectory(dir.resolve(domain).resolve("images")));
        throw DatasetException.at(dir, "no images/ sub-directory: expected an Office-31 domain directory "
                + "ROOT/<domain>/images/<class>/*.jpg"
                + (isRoot ? "; this is the Office-31 root, pass ROOT/amazon, ROOT/dslr or ROOT/webcam" : ""));
    }

    /** Office-31's layout: {@code office31:ROOT/amazon}. */
    @AutoService(DomainLayout.class)
    public static final class Layout implements DomainLayout {
        @Override
        public String name() {
            return "office31";
        }

        @Override
        public Domain open(Path path) {
            return Office31.open(path);
        }
    }
}
