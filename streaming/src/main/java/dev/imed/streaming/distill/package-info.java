/**
 * Online distillation: the student keeps learning from the teacher's outputs on the stream, its
 * parameters and optimiser state live in Flink operator state, and new versions are published to a
 * student registry.
 */
package dev.imed.streaming.distill;
