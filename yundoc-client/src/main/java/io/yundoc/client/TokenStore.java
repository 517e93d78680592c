package io.yundoc.client;

import java.util.Optional;

/**
 * Where the client keeps a user's OAuth tokens, so that a refresh (automatic on error 20007) survives the process
 * when the store is persistent. Implementations must be thread-safe. Built in: {@link InMemoryTokenStore} and
 * {@link FileTokenStore}.
 */
public interface TokenStore {
    /** The current tokens, if any. */
    Optional<Tokens> load();

    /** Replaces the current tokens (after a code exchange or a refresh). */
    void save(Tokens tokens);

    /** Forgets the tokens (logout). */
    default void clear() {
        throw new UnsupportedOperationException("this token store cannot be cleared");
    }
}
