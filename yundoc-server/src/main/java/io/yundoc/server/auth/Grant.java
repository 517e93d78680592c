package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.Set;

/** What a user has granted an app, with the app's display name (null when the app is gone). */
public record Grant(String grantId, String userId, String appId, String appName, Set<Scope> scopes, long grantedAt) {}
