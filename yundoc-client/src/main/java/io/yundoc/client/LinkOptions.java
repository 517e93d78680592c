package io.yundoc.client;

import java.util.List;

/**
 * The body of {@code POST /personal/files/:ft/links} (api.md §5.7): creates the link or updates it. Null fields are
 * not sent, so the server keeps (on update) or defaults (on create) them.
 *
 * @param permission  {@code read} or {@code write} (required)
 * @param status      {@code open} or {@code close}
 * @param extPermList {@code []} or {@code ["comment"]}
 * @param period      0 (permanent), 7 or 30 days
 * @param reset       true: a new {@code sid}, the old link stops working
 */
public record LinkOptions(String permission, String status, List<String> extPermList, Integer period, Boolean reset) {
    /** An open, permanent, read-only link. */
    public static LinkOptions read() {
        return new LinkOptions("read", null, null, null, null);
    }

    /** An open, permanent link that allows editing. */
    public static LinkOptions write() {
        return new LinkOptions("write", null, null, null, null);
    }

    /**
     * These options with a validity period.
     *
     * @param days 0, 7 or 30
     */
    public LinkOptions withPeriod(int days) {
        return new LinkOptions(permission, status, extPermList, days, reset);
    }

    /**
     * These options with a link status.
     *
     * @param s {@code open} or {@code close}
     */
    public LinkOptions withStatus(String s) {
        return new LinkOptions(permission, s, extPermList, period, reset);
    }

    /** Allows comments ({@code ext_perm_list: ["comment"]}). */
    public LinkOptions withComments() {
        return new LinkOptions(permission, status, List.of("comment"), period, reset);
    }

    /** Issues a new sid (the old link dies). */
    public LinkOptions withReset() {
        return new LinkOptions(permission, status, extPermList, period, true);
    }
}
