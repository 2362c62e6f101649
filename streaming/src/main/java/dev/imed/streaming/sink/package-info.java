/**
 * The job's outputs: JSON lines written through Flink's file sink (exactly once: files are committed
 * at checkpoints), and reading them back for summaries and tests.
 */
package dev.imed.streaming.sink;
