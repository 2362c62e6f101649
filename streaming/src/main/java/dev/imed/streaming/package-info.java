/**
 * The streaming adaptation job ({@code imed stream}): unlabelled images arrive in a directory, the
 * fusion teacher labels them in micro-batches, the student keeps learning from the teacher and new
 * student versions are published for the inference API. {@link dev.imed.streaming.StreamJob} is the
 * entry point; {@link dev.imed.streaming.StreamJobMain} submits the same job to a Flink cluster.
 */
package dev.imed.streaming;
