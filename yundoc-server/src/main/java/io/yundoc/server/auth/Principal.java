package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.Set;

/** Who an access token speaks for, with what the request pipeline checks, loaded in one query. */
public record Principal(
        String tokenId,
        String appId,
        String appName,
        String appTier,
        boolean appDisabled,
        String quotaOverrides,
        String userId,
        String userRootId,
        boolean userDisabled,
        String userNickname,
        Set<Scope> scopes) {}
