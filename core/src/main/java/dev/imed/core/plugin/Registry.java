package dev.imed.core.plugin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The plug-ins of one kind, discovered with {@link ServiceLoader} and keyed by their name.
 *
 * <p>Each plug-in is instantiated once at discovery to read its name; that instance is the shared
 * one {@link #get(String)} returns, for stateless plug-ins. Stateful ones (a UDA method owns its
 * discriminator) are built afresh by {@link #create(String)}. Names are listed in alphabetical order
 * so that help texts and messages do not depend on the order of jars on the class path.
 *
 * @param <T> the service interface
 */
public final class Registry<T> {
    private final String kind;
    private final Map<String, ServiceLoader.Provider<T>> providers = new TreeMap<>();
    private final Map<String, T> instances = new TreeMap<>();

    private Registry(Class<T> service, Function<T, String> name, String kind) {
        this.kind = kind;
        // The service interface's own loader sees every module that can implement it; the thread's
        // context loader may be a narrower one (Flink's user-code loader, a test runner's).
        ServiceLoader.load(service, service.getClassLoader()).stream().forEach(provider -> {
            T plugin = provider.get();
            String key = name.apply(plugin).toLowerCase();
            if (providers.containsKey(key)) {
                throw new IllegalStateException("two " + kind + "s named '" + key + "': "
                        + instances.get(key).getClass().getName() + " and " + plugin.getClass().getName());
            }
            providers.put(key, provider);
            instances.put(key, plugin);
        });
    }

    /**
     * The plug-ins implementing {@code service}, named by {@code name}; {@code kind} is what a user
     * calls one ({@code method}, {@code fusion}, {@code backbone}, {@code layout}) in messages.
     */
    public static <T> Registry<T> load(Class<T> service, Function<T, String> name, String kind) {
        return new Registry<>(service, name, kind);
    }

    /** The known names, sorted. */
    public List<String> names() {
        return List.copyOf(instances.keySet());
    }

    /** The known plug-ins, sorted by name. */
    public List<T> all() {
        return List.copyOf(instances.values());
    }

    /** Whether {@code name} (case-insensitive) is known. */
    public boolean contains(String name) {
        return name != null && instances.containsKey(name.trim().toLowerCase());
    }

    /** The shared instance named {@code name}, if known. */
    public Optional<T> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(instances.get(name.trim().toLowerCase()));
    }

    /** The shared instance named {@code name}; {@link IllegalArgumentException} listing the known ones otherwise. */
    public T get(String name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    /** A new instance of the plug-in named {@code name}, for plug-ins that hold state. */
    public T create(String name) {
        ServiceLoader.Provider<T> provider = name == null ? null : providers.get(name.trim().toLowerCase());
        if (provider == null) {
            throw unknown(name);
        }
        return provider.get();
    }

    /** "known: a, b, c", for messages and help texts. */
    public String known() {
        return "known: " + String.join(", ", names());
    }

    /** The error for an unknown name: {@code unknown KIND 'NAME' (known: …)}. */
    public IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown " + kind + " '" + name + "' (" + known() + ")");
    }
}
