/**
 * The report of a suite: {@code results.json} with every run, {@code results.md} with mean ± sd tables
 * and plain-language findings, and PNG charts (accuracy per method and task, confusion matrices).
 * Reports are made from data alone, so they can be regenerated without a model.
 */
package dev.imed.experiments.report;
