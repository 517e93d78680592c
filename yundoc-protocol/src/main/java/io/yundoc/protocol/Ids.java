package io.yundoc.protocol;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Identifier formats (api.md §8). Every random id comes from the generator handed in: a {@link java.security.SecureRandom}
 * normally, a seeded one in dev mode with {@code --seed}.
 */
public final class Ids {
    /** What every accepted file id, and any other id in a path, must look like (api.md §1.3). */
    public static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final RandomGenerator random;

    public Ids(RandomGenerator random) {
        this.random = random;
    }

    /** Whether {@code id} matches {@link #ACCEPTED}; a plain loop, because every file route checks its id. */
    public static boolean accepted(String id) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** 43 characters of unpadded URL-safe base64 of 32 random bytes: file tokens, open ids, union ids. */
    public String token256() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** 32 lowercase letters: access tokens, refresh tokens, authorization codes. */
    public String lowerToken() {
        return pick(LOWER, 32);
    }

    /** 12 alphanumeric characters: share-link sids. */
    public String sid() {
        return pick(ALNUM, 12);
    }

    /** 32 alphanumeric characters: app keys. */
    public String appKey() {
        return pick(ALNUM, 32);
    }

    /** {@code SX} + yyyyMMdd + 6 uppercase letters. */
    public String appId(LocalDate day) {
        return "SX" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + pick(UPPER, 6);
    }

    /** {@code ExchangeToken-} + 48 lowercase letters. */
    public String editToken() {
        return "ExchangeToken-" + pick(LOWER, 48);
    }

    /** Raw random bytes, for secrets. */
    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String pick(String alphabet, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(c);
    }
}
