package io.yundoc.server.oauth;

/** A live browser session: the user, the id's hash (what CSRF tokens bind to) and its end. */
public record Session(String userId, String hash, long expiresAt) {}
