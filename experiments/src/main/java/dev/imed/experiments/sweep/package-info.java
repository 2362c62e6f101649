/**
 * Sweeps over tasks, methods, ensembles and seeds: train or reuse component bundles (the component table),
 * teachers of every fusion over them (the fusion table, with gate statistics) and the teacher under several
 * lever settings with a choice among them made without target labels; and tabulate their target accuracy.
 */
package dev.imed.experiments.sweep;
