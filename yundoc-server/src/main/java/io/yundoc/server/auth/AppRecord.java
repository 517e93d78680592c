package io.yundoc.server.auth;

import java.util.ArrayList;
import java.util.List;

/** A registered app as stored. {@code oldKeyValidUntil} null with an old key means "until the operator ends it". */
public record AppRecord(
        String appId,
        String appKey,
        String oldAppKey,
        Long oldKeyValidUntil,
        String name,
        String tier,
        List<String> redirectUris,
        List<String> scopes,
        boolean disabled,
        String autoConsentUser,
        String quotaOverrides,
        long createdAt) {

    /** The keys a WPS-2 signature may be made with at {@code nowSeconds}: the current one, plus the old one during an overlap. */
    public List<String> validKeys(long nowSeconds) {
        List<String> keys = new ArrayList<>(2);
        keys.add(appKey);
        if (oldAppKey != null && (oldKeyValidUntil == null || nowSeconds < oldKeyValidUntil)) {
            keys.add(oldAppKey);
        }
        return keys;
    }

    public boolean formal() {
        return "formal".equals(tier);
    }
}
