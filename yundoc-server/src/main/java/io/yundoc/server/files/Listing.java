package io.yundoc.server.files;

import io.yundoc.protocol.wire.FileItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The terms of the paged listings of api.md §5.1 (segments, orders, pages, cursor range); {@link ListingStore} runs
 * them. {@code next_offset} is an issued cursor when it lies in {@code [2^50, 2^53)}: out of reach of any plain
 * position and still exact in a JavaScript number; anything smaller is a plain position.
 */
public final class Listing {
    public static final int DEFAULT_COUNT = 30;
    public static final int MAX_COUNT = 100;
    static final long CURSOR_BASE = 1L << 50;

    private Listing() {}

    public enum Segment {
        GROUP(0),
        FOLDER(1),
        FILE(2);

        /** Where the segment sorts in a listing: the numbers the SQL of {@code ListingStore.page} computes, and cursors store. */
        final int rank;

        Segment(int rank) {
            this.rank = rank;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Segment rank(int r) {
            for (Segment g : values()) {
                if (g.rank == r) {
                    return g;
                }
            }
            throw new IllegalArgumentException("no segment of rank " + r);
        }

        public static Optional<Segment> parse(String s) {
            for (Segment g : values()) {
                if (g.wire().equals(s)) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }

    public enum OrderBy {
        MTIME,
        FNAME,
        FSIZE
    }

    /** A page: items, the cursor for the next page (-1 at the end) and the next item's segment ("" at the end). */
    public record Page(List<FileRecord> files, long nextOffset, String nextFilter) {
        public Map<String, Object> wire(boolean withFilter) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<FileItem> items = new ArrayList<>(files.size());
            for (FileRecord f : files) {
                items.add(f.toItem());
            }
            m.put("files", items);
            m.put("next_offset", nextOffset);
            if (withFilter) {
                m.put("next_filter", nextFilter);
            }
            return m;
        }
    }

    /** Whether a client-sent offset is in the issued-cursor range. */
    public static boolean issued(long offset) {
        return offset >= CURSOR_BASE;
    }
}
