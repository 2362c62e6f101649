/**
 * Checking, decoding and preprocessing input images; what cannot be used becomes a dead letter with
 * its reason, and the job goes on.
 */
package dev.imed.streaming.decode;
