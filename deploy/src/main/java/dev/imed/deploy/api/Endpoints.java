package dev.imed.deploy.api;

/** Groups request paths into a few metric labels, so unknown paths cannot blow up the label count. */
final class Endpoints {
    private Endpoints() {}

    static String of(String path) {
        if (path.equals("/v1/predict")) {
            return "v1_predict";
        }
        if (path.startsWith("/v2/health/")) {
            return "v2_health";
        }
        if (path.startsWith("/v2/models/") && path.endsWith("/infer")) {
            return "v2_infer";
        }
        if (path.startsWith("/v2")) {
            return "v2_metadata";
        }
        if (path.equals("/metrics")) {
            return "metrics";
        }
        if (path.equals("/openapi.yml")) {
            return "openapi";
        }
        return "other";
    }

    /** Paths anyone may call even when an API key is configured: probes and the API description. */
    static boolean isPublic(String path) {
        return path.equals("/v2/health/live") || path.equals("/v2/health/ready") || path.equals("/openapi.yml");
    }
}
