package io.yundoc.server.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for the login, consent and authorized-apps forms: an HMAC-SHA256, under a server key kept in the
 * database, of the form's purpose and what it is bound to (the browser session's hash, or for the login form a
 * random pre-login cookie: the signed double-submit pattern). Stateless, so any instance can check them.
 */
public final class Csrf {
    private final byte[] key;

    public Csrf(byte[] key) {
        this.key = key.clone();
    }

    public String token(String purpose, String binding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] out = mac.doFinal((purpose + "\n" + binding).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time check; a missing token or binding never verifies. */
    public boolean valid(String purpose, String binding, String sent) {
        if (sent == null || sent.isEmpty() || binding == null || binding.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(
                token(purpose, binding).getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }
}
