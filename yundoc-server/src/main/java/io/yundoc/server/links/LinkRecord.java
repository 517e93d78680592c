package io.yundoc.server.links;

import java.util.List;

/** A file's share link. {@code expireTime} 0 = permanent. */
public record LinkRecord(
        String fileId,
        String sid,
        String permission,
        List<String> extPermList,
        String status,
        long expireTime,
        long createdAt) {

    public boolean open() {
        return "open".equals(status);
    }

    public boolean expired(long now) {
        return expireTime != 0 && now >= expireTime;
    }
}
