/**
 * Unsupervised domain adaptation methods, one class each, grouped by family as in thuml's
 * Transfer-Learning-Library: {@code alignment} (DANN, CDAN, CDAN+E) and {@code selftraining} (MCC);
 * source-only training is {@link dev.imed.ensemble.method.SourceOnly}. Methods compose with {@code +}.
 * A method registers itself with {@code @AutoService(UdaMethod.class)}; {@link dev.imed.ensemble.method.Methods}
 * finds it, so adding one is its class and its test.
 */
package dev.imed.ensemble.method;
