/** The fusion table: component ensembles and every fusion over them, per task and seed, with gate statistics. */
package dev.imed.fusion.experiment;
