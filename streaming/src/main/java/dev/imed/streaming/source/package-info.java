/**
 * Reading the input directory as a stream of whole image files, bounded or continuously monitored:
 * a FLIP-27 source whose splits are batches of files, so that per-split coordination is paid once per
 * batch rather than once per image.
 */
package dev.imed.streaming.source;
