/**
 * The HTTP surface: the {@code /v1/predict} route, {@code /metrics}, the OpenAPI document, the API-key
 * and metrics filters, and the mapping of every error to {@code {"error": "..."}}.
 */
package dev.imed.deploy.api;
