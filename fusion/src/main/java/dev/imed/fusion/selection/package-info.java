/**
 * Choosing among models without target labels. A criterion scores candidates from their target
 * predictions alone: the API takes probabilities, never a dataset, so no implementation can read a
 * label. {@link dev.imed.fusion.selection.SelectionCriterion#ENSV} (agreement with the candidates'
 * ensemble) and {@link dev.imed.fusion.selection.SelectionCriterion#SND} (soft neighbourhood density)
 * choose among a teacher's iterates; {@link dev.imed.fusion.selection.SelectionCriterion#FINAL} keeps
 * the last one, as training did before.
 */
package dev.imed.fusion.selection;
