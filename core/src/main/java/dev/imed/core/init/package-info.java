/**
 * How freshly built networks get their first weights. imed draws them as PyTorch does by default,
 * because its training recipes (learning rates, loss weights, budgets) are the PyTorch literature's
 * and are checked against a PyTorch twin; DJL's own defaults are kept as a selectable alternative.
 */
package dev.imed.core.init;
