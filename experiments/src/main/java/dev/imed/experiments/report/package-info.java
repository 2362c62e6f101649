/**
 * Reports: a suite's {@code results.json} with every run, {@code results.md} with mean ± sd tables and
 * plain-language findings, and PNG charts (accuracy per method and task, confusion matrices); and what every
 * report shares: {@link dev.imed.experiments.report.MarkdownTable}, the one writer of mean ± sd tables (the
 * suite's and the sweeps'), and {@link dev.imed.experiments.report.ResultsJson}, the one versioned results
 * schema. Reports are made from data alone, so they can be regenerated without a model.
 */
package dev.imed.experiments.report;
