package io.yundoc.client;

import java.time.Instant;

/**
 * A user's OAuth tokens as a {@link TokenStore} keeps them.
 *
 * @param accessToken  the access token sent with personal and user calls
 * @param refreshToken the refresh token, or null when the tokens cannot be refreshed
 * @param expiresAt    when the access token expires by the client's clock, or null when unknown
 * @param appId        the app the tokens were issued to, or null
 */
public record Tokens(String accessToken, String refreshToken, Instant expiresAt, String appId) {
    /** Tokens with only an access token (e.g. issued by an operator): no refresh possible. */
    public static Tokens ofAccessToken(String accessToken) {
        return new Tokens(accessToken, null, null, null);
    }

    /** Keeps the tokens out of logs. */
    @Override
    public String toString() {
        return "Tokens[accessToken=***, refreshToken=" + (refreshToken == null ? "none" : "***") + ", expiresAt="
                + expiresAt + ", appId=" + appId + "]";
    }
}
