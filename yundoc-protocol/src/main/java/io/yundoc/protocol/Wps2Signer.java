package io.yundoc.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The WPS-2 signature (api.md §3.4): {@code WPS-2:<app_id>:hex(sha1(app_key + Content-Md5 + Content-Type + Date))}.
 * The method, path, query and app id are not part of the hash.
 */
public final class Wps2Signer {
    public static final String PREFIX = "WPS-2:";
    /** md5 of the empty string: the Content-Md5 of a request without a body, as the KDocs examples send it. */
    public static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";

    private Wps2Signer() {}

    /** The 40 lowercase hex characters of the signature. */
    public static String signature(String appKey, String contentMd5, String contentType, String date) {
        String toSign = nz(appKey) + nz(contentMd5) + nz(contentType) + nz(date);
        return Hex.of(Hex.digest("SHA-1").digest(toSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The whole {@code Authorization} header value. */
    public static String authorization(
            String appId, String appKey, String contentMd5, String contentType, String date) {
        return PREFIX + appId + ":" + signature(appKey, contentMd5, contentType, date);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
