/** Accuracy, per-class accuracy and confusion matrices. */
package dev.imed.core.metrics;
