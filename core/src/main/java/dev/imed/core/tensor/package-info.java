/** Tensor arithmetic that autograd can rely on: constants the engine owns ({@link dev.imed.core.tensor.Scalars}). */
package dev.imed.core.tensor;
