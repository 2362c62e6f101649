/** Model bundles on disk (manifest and weights), written atomically and verified on load; JSON helpers. */
package dev.imed.core.bundle;
