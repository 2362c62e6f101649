/** Experiments over tasks, methods and seeds: train or reuse component bundles and tabulate their target accuracy. */
package dev.imed.ensemble.experiment;
