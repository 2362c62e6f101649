/**
 * From request content to scores: takes a reference to the current model, preprocesses images or
 * checks a ready tensor against the model's input spec, and waits for the batcher.
 */
package dev.imed.deploy.inference;
