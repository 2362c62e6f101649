/** Image transforms and the input spec that every model bundle records. */
package dev.imed.core.transform;
