/** The compact student: the only model imed deploys. */
package dev.imed.model.student;
