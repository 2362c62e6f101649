/**
 * The network every component and student shares (backbone → 256-d bottleneck → head) and its
 * loaded-from-a-bundle, inference-mode form; training lives in imed-ensemble.
 */
package dev.imed.model.net;
