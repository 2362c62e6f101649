/**
 * Dynamic batching: requests that arrive close together share one forward pass, run on a single
 * batcher thread away from the HTTP event loops, which get each request's result back to answer it.
 */
package dev.imed.deploy.batch;
