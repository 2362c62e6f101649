/** Component models (backbone → 256-d bottleneck → head), their bundles and loaded form. */
package dev.imed.ensemble.component;
