/**
 * Fusion networks over K frozen components: the IMED instance-aware nonlinear fusion (gates generated
 * per instance from the components' multilinear maps), and its ablations (global gates, FC fusion,
 * 1–3 fusion layers). Each selectable fusion is a {@link dev.imed.fusion.net.FusionKind} subclass
 * registered with AutoService, so a new one is one class.
 */
package dev.imed.fusion.net;
