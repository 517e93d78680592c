package io.yundoc.server.core;

import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** Small named values kept in the database so every instance sees them: clock offset, signing keys, maintenance. */
public final class Settings {
    private final Jdbi jdbi;

    public Settings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<String> get(String name) {
        return jdbi.withHandle(h -> SettingsStore.get(h, name));
    }

    public void put(String name, String value) {
        jdbi.useHandle(h -> SettingsStore.put(h, name, value));
    }

    /** Inserts the value unless one exists, then returns the stored one: first writer wins across instances. */
    public String getOrCreate(String name, Supplier<String> init) {
        jdbi.useHandle(h -> SettingsStore.putIfAbsent(h, name, init.get()));
        return get(name).orElseThrow();
    }
}
