package dev.imed.deploy.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** Every error body: {@code {"error": "what is wrong"}}, the Open Inference Protocol's shape. */
@Schema(description = "What went wrong, for a person to read")
public record ApiError(String error) {}
