/**
 * From request content to scores: takes a reference to the current model, decodes and preprocesses
 * images (small ones on the calling event loop, large ones on a worker) or checks a ready tensor
 * against the model's input spec, and queues the tensor for the batcher.
 */
package dev.imed.deploy.inference;
