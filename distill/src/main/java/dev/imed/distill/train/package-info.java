/** Distillation of a frozen teacher into the compact student: the loss and the trainer. */
package dev.imed.distill.train;
