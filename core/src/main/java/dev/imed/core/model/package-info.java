/** What every trained model offers the rest of imed: classify a batch, evaluation over a domain, and the softmax of logits read back to the host. */
package dev.imed.core.model;
