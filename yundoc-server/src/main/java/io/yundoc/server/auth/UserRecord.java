package io.yundoc.server.auth;

/** A yundoc user. {@code rootId} is the id of their 我的文档 folder. */
public record UserRecord(
        String userId, String unionId, String name, String nickname, String avatar, boolean disabled, String rootId) {}
