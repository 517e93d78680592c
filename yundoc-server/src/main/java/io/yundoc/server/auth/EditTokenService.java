package io.yundoc.server.auth;

import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Edit tokens (api.md §5.2, §5.8): {@code ExchangeToken-} + 48 lowercase letters, valid 10 minutes, stored only as
 * SHA-256 hashes. Issued by {@code POST /user/edit_token} and the with_edit_token endpoints; the share and view pages
 * ({@code /l/<sid>?token=}, {@code /v/<ft>?token=}) check them with {@link #validate}.
 */
public final class EditTokenService {
    /** Lifetime in seconds. */
    public static final long TTL = 600;
    /** What the API answers as {@code timeout} (milliseconds, as the JS-SDK's setToken takes it). */
    public static final long TIMEOUT_MILLIS = TTL * 1000;

    private final Jdbi jdbi;
    private final ServerClock clock;
    private final IdGenerator ids;

    public EditTokenService(Jdbi jdbi, ServerClock clock, IdGenerator ids) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = ids;
    }

    /** A fresh edit token for the user, as seen through the app. */
    public String issue(String appId, String userId) {
        String token = ids.editToken();
        long now = clock.epochSeconds();
        jdbi.useHandle(h -> EditTokenStore.insert(h, token, appId, userId, now, now + TTL));
        return token;
    }

    /** The user an unexpired edit token speaks for, if it is one. Lookup is by hash, so no timing leak on the value. */
    public Optional<String> validate(String token) {
        return holder(token).map(EditTokenStore.Holder::userId);
    }

    /** Who an unexpired edit token was issued to: the app it was issued through and the user. */
    public Optional<EditTokenStore.Holder> holder(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        long now = clock.epochSeconds();
        return jdbi.withHandle(h -> EditTokenStore.live(h, token, now));
    }

    /**
     * Ends a token early ({@code POST /user/edit_token} with the current token). Only the same user's token is
     * touched: a token of someone else is ignored, so one app cannot end another user's session.
     */
    public void expire(String token, String userId) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return;
        }
        jdbi.useHandle(h -> EditTokenStore.delete(h, token, userId));
    }

    /** Ends every edit token of a user for an app (the user or the operator revoked the app's grant). */
    public void revokeAll(String appId, String userId) {
        jdbi.useHandle(h -> EditTokenStore.deleteAll(h, appId, userId));
    }
}
