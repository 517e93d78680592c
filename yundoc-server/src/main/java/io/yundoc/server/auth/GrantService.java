package io.yundoc.server.auth;

import io.yundoc.protocol.Scope;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What users have granted to apps (api.md §3.1 "Revocation"): listing for the authorized-apps page and the admin
 * API, and revocation, which kills the grant's tokens, pending codes and edit tokens at once.
 */
public final class GrantService {
    private final Jdbi jdbi;
    private final EditTokenService editTokens;
    private final List<RevokeHook> revokeHooks = new CopyOnWriteArrayList<>();

    /** What another package ends with a grant (webhook subscriptions); runs inside the revoking transaction. */
    @FunctionalInterface
    public interface RevokeHook {
        void revoked(Handle h, String appId, String userId);
    }

    public GrantService(Jdbi jdbi, EditTokenService editTokens) {
        this.jdbi = jdbi;
        this.editTokens = editTokens;
    }

    public GrantService onRevoke(RevokeHook hook) {
        revokeHooks.add(hook);
        return this;
    }

    /** Grants filtered by user and/or app (null = any), oldest first. */
    public List<Grant> list(String userId, String appId) {
        return jdbi.withHandle(h -> GrantStore.list(h, userId, appId));
    }

    public Optional<Grant> find(String grantId) {
        return jdbi.withHandle(h -> GrantStore.find(h, grantId));
    }

    /** The scopes the user has granted the app so far (empty when none). */
    public Set<Scope> granted(String appId, String userId) {
        return jdbi.withHandle(h -> GrantStore.of(h, appId, userId))
                .map(GrantStore.Granted::scopes)
                .orElse(Set.of());
    }

    /**
     * Removes the grant and, in the same transaction, revokes every token issued under it, voids its unused codes and runs the
     * {@link #onRevoke} hooks (the app's webhook subscriptions made with this user's authorization end):
     * access tokens then answer 20007 {@code access_token revoked}, refresh tokens 20001. False when there was no such grant.
     */
    public boolean revoke(String grantId) {
        Optional<Grant> g = find(grantId);
        if (g.isEmpty()) {
            return false;
        }
        jdbi.useTransaction(h -> {
            TokenStore.revokeGrant(h, grantId);
            AuthCodeStore.voidForGrant(h, grantId);
            GrantStore.delete(h, grantId);
            for (RevokeHook hook : revokeHooks) {
                hook.revoked(h, g.get().appId(), g.get().userId());
            }
        });
        editTokens.revokeAll(g.get().appId(), g.get().userId());
        return true;
    }
}
