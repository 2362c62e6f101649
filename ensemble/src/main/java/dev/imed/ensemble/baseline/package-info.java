/** Ensembles that need no training: averaging of softmax outputs and majority vote. */
package dev.imed.ensemble.baseline;
