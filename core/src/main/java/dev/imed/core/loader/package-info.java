/** Batches of preprocessed images on the compute device, drawn from domains. */
package dev.imed.core.loader;
