/**
 * The student registry: versioned student bundles in one directory, published atomically, and the
 * label-free quality gate a candidate passes before it is published.
 */
package dev.imed.model.registry;
