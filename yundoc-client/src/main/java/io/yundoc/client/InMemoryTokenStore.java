package io.yundoc.client;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link TokenStore} in memory: tokens live as long as the client. */
public final class InMemoryTokenStore implements TokenStore {
    private final AtomicReference<Tokens> tokens = new AtomicReference<>();

    /** An empty store. */
    public InMemoryTokenStore() {}

    /** @param initial the tokens to start with (may be null) */
    public InMemoryTokenStore(Tokens initial) {
        tokens.set(initial);
    }

    @Override
    public Optional<Tokens> load() {
        return Optional.ofNullable(tokens.get());
    }

    @Override
    public void save(Tokens t) {
        tokens.set(t);
    }

    @Override
    public void clear() {
        tokens.set(null);
    }
}
