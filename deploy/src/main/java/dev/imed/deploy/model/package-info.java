/**
 * The student being served: loading and checking a registry version, reference counting so that a
 * replaced model is closed only once its last batch is done, and the watcher that swaps in new versions.
 */
package dev.imed.deploy.model;
