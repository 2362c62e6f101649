/** Device choice: GPU when DJL sees one, CPU otherwise. */
package dev.imed.core.device;
