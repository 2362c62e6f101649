/** Decoding untrusted image bytes within limits: formats, header checks before decoding, pixel counts. */
package dev.imed.deploy.image;
