package io.yundoc.server.core;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The {@code settings} table: small named values. */
final class SettingsStore {
    private SettingsStore() {}

    static Optional<String> get(Handle h, String name) {
        return h.createQuery("SELECT value FROM settings WHERE name = :n")
                .bind("n", name)
                .mapTo(String.class)
                .findOne();
    }

    static void put(Handle h, String name, String value) {
        h.createUpdate(
                        "INSERT INTO settings (name, value) VALUES (:n, :v) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                .bind("n", name)
                .bind("v", value)
                .execute();
    }

    /** Inserts the value unless the name has one already. */
    static void putIfAbsent(Handle h, String name, String value) {
        h.createUpdate("INSERT INTO settings (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING")
                .bind("n", name)
                .bind("v", value)
                .execute();
    }
}
