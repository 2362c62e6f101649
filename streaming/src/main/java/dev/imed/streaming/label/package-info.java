/** Micro-batching the decoded images and labelling them with the fusion teacher. */
package dev.imed.streaming.label;
