package io.yundoc.server.api;

import io.yundoc.protocol.Scope;
import io.yundoc.server.quota.Tier;

/**
 * One route of the server: method, path template (api.md form, {@code :name} parameters), how it authenticates,
 * the scope it needs and its quota tier (null: not metered).
 */
public record Endpoint(String method, String template, Auth auth, Scope scope, Tier tier, boolean streamingBody) {

    public enum Auth {
        /** nothing: pages, download URLs, health */
        NONE,
        /** the operator's admin token */
        ADMIN,
        /** a user access token with {@link #scope()} */
        TOKEN,
        /** a WPS-2 signature */
        WPS2,
        /** app id + app key in the request (OAuth token endpoints) */
        APP_KEY
    }

    /** "GET /api/v1/openapi/personal/files/:file_token/download": the quota and metrics key. */
    public String key() {
        return method + " " + template;
    }
}
