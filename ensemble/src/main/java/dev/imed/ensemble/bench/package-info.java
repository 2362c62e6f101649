/** Benchmarks of component training, compared with PyTorch eager on the same model and batch. */
package dev.imed.ensemble.bench;
