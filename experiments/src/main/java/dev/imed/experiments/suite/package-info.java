/**
 * Evaluation suites: presets (YAML) that name the tasks and settings of a benchmark, and the runner
 * that trains or reuses every model of every task and seed, resumably, then writes the report.
 */
package dev.imed.experiments.suite;
