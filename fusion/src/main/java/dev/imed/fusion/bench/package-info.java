/** Benchmark of teacher inference against its components alone. */
package dev.imed.fusion.bench;
