/**
 * The Open Inference Protocol (KServe v2) over REST: health, server and model metadata, and
 * {@code infer} with an FP32 tensor or BYTES (base64-encoded images).
 */
package dev.imed.deploy.oip;
