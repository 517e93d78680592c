package io.yundoc.server.core;

import io.yundoc.protocol.Ids;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Hands out new ids: from the fixtures' pinned queue first (dev mode only), else from {@link Ids} over a secure
 * (or, with {@code --seed}, deterministic) random generator.
 */
public final class IdGenerator {
    public static final String FILE_TOKEN = "file_token";
    public static final String SID = "sid";
    public static final String CODE = "code";
    public static final String ACCESS_TOKEN = "access_token";
    public static final String REFRESH_TOKEN = "refresh_token";
    public static final String EDIT_TOKEN = "edit_token";

    private final Ids ids;
    private final Jdbi jdbi;
    private final boolean pinning;

    public IdGenerator(Ids ids, Jdbi jdbi, boolean pinning) {
        this.ids = ids;
        this.jdbi = jdbi;
        this.pinning = pinning;
    }

    public Ids ids() {
        return ids;
    }

    public String fileToken() {
        return pinned(FILE_TOKEN, ids::token256);
    }

    public String sid() {
        return pinned(SID, ids::sid);
    }

    public String accessToken() {
        return pinned(ACCESS_TOKEN, ids::lowerToken);
    }

    public String refreshToken() {
        return pinned(REFRESH_TOKEN, ids::lowerToken);
    }

    public String code() {
        return pinned(CODE, ids::lowerToken);
    }

    public String editToken() {
        return pinned(EDIT_TOKEN, ids::editToken);
    }

    /** An id nobody sees on the wire (grant ids, token row ids): no pinning. */
    public String internal() {
        return ids.token256();
    }

    private String pinned(String kind, Supplier<String> fallback) {
        if (!pinning) {
            return fallback.get();
        }
        Optional<String> v = jdbi.inTransaction(h -> PinnedIdStore.take(h, kind));
        return v.orElseGet(fallback);
    }
}
