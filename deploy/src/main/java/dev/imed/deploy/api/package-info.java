/**
 * The HTTP surface: the {@code /v1/predict} route, {@code /metrics}, the OpenAPI document, the API-key
 * and metrics filters, the mapping of every error to {@code {"error": "..."}}, and the event loop that
 * answers a request.
 */
package dev.imed.deploy.api;
