package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code data} of the OAuth token exchange and refresh (api.md §3.1). */
@JsonPropertyOrder({"access_token", "expires_in", "refresh_token", "app_id"})
public record TokenGrant(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("app_id") String appId) {}
