package io.yundoc.server.core;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Small named values kept in the database so every instance sees them: clock offset, signing keys, maintenance. */
public final class Settings {
    private final Jdbi jdbi;

    public Settings(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<String> get(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM settings WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    public void put(String name, String value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings (name, value) VALUES (:n, :v) "
                        + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                .bind("n", name).bind("v", value).execute());
    }

    /** Inserts the value unless one exists, then returns the stored one: first writer wins across instances. */
    public String getOrCreate(String name, java.util.function.Supplier<String> init) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING")
                .bind("n", name).bind("v", init.get()).execute());
        return get(name).orElseThrow();
    }
}
