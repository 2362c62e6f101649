/**
 * Reading the input directory as a stream of whole image files, bounded or continuously monitored:
 * a FLIP-27 source whose splits are batches of files, so that per-split coordination is paid once per
 * batch rather than once per image; and image records from a Kafka topic ({@link dev.imed.streaming.source.KafkaImages}).
 */
package dev.imed.streaming.source;
