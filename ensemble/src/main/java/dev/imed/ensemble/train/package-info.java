/** Training machinery shared by components, the teacher and the student: Nesterov SGD, the loop, checkpoints. */
package dev.imed.ensemble.train;
