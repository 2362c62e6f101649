/**
 * Plug-in discovery. Each plug-in kind (UDA methods, fusions, backbones, dataset layouts) is a Java
 * service interface; its implementations register themselves with Google AutoService's
 * {@code @AutoService(Kind.class)}, which writes the {@code META-INF/services} entry at compile time,
 * so adding a plug-in is one new class. A {@link dev.imed.core.plugin.Registry} finds them through
 * {@link java.util.ServiceLoader} and is the one place that lists the known names, for help texts,
 * error messages and validation alike.
 */
package dev.imed.core.plugin;
