/** Throughput of the stream job against a plain batched loop over the same files. */
package dev.imed.streaming.bench;
