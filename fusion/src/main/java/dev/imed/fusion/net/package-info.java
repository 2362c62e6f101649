/**
 * Fusion networks over K frozen components: the IMED instance-aware nonlinear fusion (gates generated
 * per instance from the components' multilinear maps), and its ablations (global gates, FC fusion,
 * 1–3 fusion layers).
 */
package dev.imed.fusion.net;
