/**
 * What target labels say about an ensemble, for reports only: how much room the members leave a fusion
 * above its best member, and which iterate labels would have picked. Nothing here feeds training or
 * model choice.
 */
package dev.imed.fusion.report;
