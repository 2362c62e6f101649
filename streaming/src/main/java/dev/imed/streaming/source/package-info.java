/** Reading the input directory as a stream of whole image files, bounded or continuously monitored. */
package dev.imed.streaming.source;
