package io.yundoc.server.core;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The {@code pinned_ids} table: queues of values the server hands out next (fixtures' {@code next}). */
public final class PinnedIdStore {
    private PinnedIdStore() {}

    /** Takes the first queued value of this kind off its queue; empty when the queue is empty. */
    static Optional<String> take(Handle h, String kind) {
        Optional<Long> seq = h.createQuery("SELECT MIN(seq) FROM pinned_ids WHERE kind = :k")
                .bind("k", kind)
                .mapTo(Long.class)
                .findOne();
        if (seq.isEmpty()) { // MIN over no rows is one NULL row, which findOne gives as empty

            return Optional.empty();
        }
        String value = h.createQuery("SELECT value FROM pinned_ids WHERE kind = :k AND seq = :s")
                .bind("k", kind)
                .bind("s", seq.get())
                .mapTo(String.class)
                .one();
        h.createUpdate("DELETE FROM pinned_ids WHERE kind = :k AND seq = :s")
                .bind("k", kind)
                .bind("s", seq.get())
                .execute();
        return Optional.of(value);
    }

    /** Appends values to the end of a kind's queue. */
    public static void append(Handle h, String kind, Iterable<String> values) {
        long seq = h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM pinned_ids WHERE kind = :k")
                .bind("k", kind)
                .mapTo(Long.class)
                .one();
        for (String v : values) {
            h.createUpdate("INSERT INTO pinned_ids (kind, seq, value) VALUES (:k, :s, :v)")
                    .bind("k", kind)
                    .bind("s", ++seq)
                    .bind("v", v)
                    .execute();
        }
    }
}
