/** Test fixtures shared with the other modules through core's test-jar: miniature dataset trees of tiny images. */
package dev.imed.core.testing;
