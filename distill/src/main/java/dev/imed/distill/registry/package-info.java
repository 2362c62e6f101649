/** The student registry: versioned student bundles in one directory, published atomically. */
package dev.imed.distill.registry;
