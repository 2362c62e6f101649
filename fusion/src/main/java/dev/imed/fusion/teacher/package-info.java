/** The fused teacher: loading with component checks, training, gate statistics and evaluation. */
package dev.imed.fusion.teacher;
