package io.yundoc.server.files;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;

/**
 * Rows other packages keep per file (ksheet content, light tables, webhook subscriptions), removed in the transaction that removes
 * the file for good: a recycle-bin purge ({@link DriveService}) or an app-space permanent delete. Those packages
 * depend on {@code files}, not the other way round, so they register here when the server is assembled.
 */
public final class PurgeHooks {
    /** Removes what one package keeps for the file; runs inside the purging transaction. */
    @FunctionalInterface
    public interface Hook {
        void purged(Handle h, String fileId);
    }

    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    public PurgeHooks add(Hook hook) {
        hooks.add(hook);
        return this;
    }

    /** Runs every hook for the file, in the caller's transaction. */
    public void run(Handle h, String fileId) {
        for (Hook hook : hooks) {
            hook.purged(h, fileId);
        }
    }
}
