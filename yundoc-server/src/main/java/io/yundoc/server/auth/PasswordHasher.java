package io.yundoc.server.auth;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** Slow salted password hashes (bcrypt, cost 10). */
public final class PasswordHasher {
    private final BCryptPasswordEncoder encoder;

    public PasswordHasher(int cost) {
        this.encoder = new BCryptPasswordEncoder(cost);
    }

    public String hash(String password) {
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return hash != null && encoder.matches(password, hash);
    }
}
