/**
 * Levers a teacher's training may pull beyond the paper's loss, each off by default and each one
 * class: member dropout on the fusion's input, information maximisation and consensus pseudo-labels
 * on the fused target predictions, and a load-balancing penalty on the gates. They are measured
 * against the paper's teacher in {@code docs/results/fusion-levers.md}.
 */
package dev.imed.fusion.levers;
