/** An adaptation task (a labelled source and an unlabelled target domain), as sweeps, suites and reports name it. */
package dev.imed.experiments.task;
