package io.yundoc.server.core;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The {@code pinned_ids} table: queues of values the server hands out next (fixtures' {@code next}). */
final class PinnedIdStore {
    private PinnedIdStore() {
    }

    /** Takes the first queued value of this kind off its queue; empty when the queue is empty. */
    static Optional<String> take(Handle h, String kind) {
        Optional<Long> seq = h.createQuery("SELECT MIN(seq) FROM pinned_ids WHERE kind = :k")
                .bind("k", kind).mapTo(Long.class).findOne();
        if (seq.isEmpty() || seq.get() == null) {
            return Optional.empty();
        }
        String value = h.createQuery("SELECT value FROM pinned_ids WHERE kind = :k AND seq = :s")
                .bind("k", kind).bind("s", seq.get()).mapTo(String.class).one();
        h.createUpdate("DELETE FROM pinned_ids WHERE kind = :k AND seq = :s").bind("k", kind).bind("s", seq.get()).execute();
        return Optional.of(value);
    }
}
