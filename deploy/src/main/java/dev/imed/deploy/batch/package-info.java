/**
 * Dynamic batching: requests that arrive close together share one forward pass, run on a single
 * batcher thread away from the HTTP event loop.
 */
package dev.imed.deploy.batch;
