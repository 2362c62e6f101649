/** Component models: a {@link dev.imed.model.net.ComponentNet} trained by one method, its bundle and loaded form. */
package dev.imed.ensemble.component;
