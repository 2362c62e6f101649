/**
 * Benchmarks: component training compared with PyTorch eager on the same model and batch, on digits and
 * on photos; teacher inference against its components alone; and the stream job's throughput against a
 * plain batched loop over the same files.
 */
package dev.imed.experiments.bench;
