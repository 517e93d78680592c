package io.yundoc.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/** Digests as lowercase hex, the form every KDocs checksum takes. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private static final ConcurrentHashMap<String, MessageDigest> PROTOTYPES = new ConcurrentHashMap<>();

    private Hex() {}

    public static String of(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** An ASCII hex digit, either case. */
    public static boolean isDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public static String md5(byte[] data) {
        return of(digest("MD5").digest(data));
    }

    public static String sha1(byte[] data) {
        return of(digest("SHA-1").digest(data));
    }

    public static String sha256(byte[] data) {
        return of(digest("SHA-256").digest(data));
    }

    /**
     * A fresh digest. Cloned from a prototype made once per algorithm: {@code getInstance} looks up the provider and
     * checks algorithm constraints each time, which costs more than hashing a signature's few bytes.
     */
    public static MessageDigest digest(String algorithm) {
        MessageDigest prototype = PROTOTYPES.computeIfAbsent(algorithm, Hex::newDigest);
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return newDigest(algorithm);
        }
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}
