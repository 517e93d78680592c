package io.yundoc.client;

import java.util.List;

/**
 * Paging, ordering and filtering for the personal listing endpoints (api.md §5.1, §5.3). Every field is optional;
 * null means "the server's default". Immutable; build with {@link #builder()}.
 *
 * @param parentId folder id ({@code "0"} or null: 我的文档 / the app folder)
 * @param count    page size (server default 30, at most 100)
 * @param offset   a {@code next_offset} the server issued (or a plain position)
 * @param order    {@code asc} or {@code desc}
 * @param orderBy  {@code mtime}, {@code fname} or {@code fsize}
 * @param filter   segment to start from: {@code group}, {@code folder} or {@code file} (echo {@code next_filter})
 * @param ignore   segments to drop (flat listing)
 * @param exts     extensions to keep (flat listing)
 */
public record ListOptions(
        String parentId,
        Integer count,
        Long offset,
        String order,
        String orderBy,
        String filter,
        List<String> ignore,
        List<String> exts) {
    /** No options: the server's defaults. */
    public static final ListOptions DEFAULTS = builder().build();

    /** Normalises the lists. */
    public ListOptions {
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        exts = exts == null ? List.of() : List.copyOf(exts);
    }

    /** A builder with every field unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** The same options, continuing at the given cursor. */
    public ListOptions next(long nextOffset, String nextFilter) {
        return new ListOptions(
                parentId,
                count,
                nextOffset,
                order,
                orderBy,
                nextFilter == null || nextFilter.isEmpty() ? filter : nextFilter,
                ignore,
                exts);
    }

    /** Builds {@link ListOptions}. */
    public static final class Builder {
        private String parentId;
        private Integer count;
        private Long offset;
        private String order;
        private String orderBy;
        private String filter;
        private List<String> ignore = List.of();
        private List<String> exts = List.of();

        private Builder() {}

        /**
         * The folder to list.
         *
         * @param v folder id
         */
        public Builder parentId(String v) {
            parentId = v;
            return this;
        }

        /**
         * The page size.
         *
         * @param v page size
         */
        public Builder count(int v) {
            count = v;
            return this;
        }

        /**
         * Where the page starts.
         *
         * @param v cursor or position
         */
        public Builder offset(long v) {
            offset = v;
            return this;
        }

        /**
         * The sort direction.
         *
         * @param v {@code asc} or {@code desc}
         */
        public Builder order(String v) {
            order = v;
            return this;
        }

        /**
         * The sort key.
         *
         * @param v {@code mtime}, {@code fname} or {@code fsize}
         */
        public Builder orderBy(String v) {
            orderBy = v;
            return this;
        }

        /**
         * Which kinds of entries to list.
         *
         * @param v {@code group}, {@code folder} or {@code file}
         */
        public Builder filter(String v) {
            filter = v;
            return this;
        }

        /**
         * Segments to leave out.
         *
         * @param v segments to drop
         */
        public Builder ignore(String... v) {
            ignore = List.of(v);
            return this;
        }

        /**
         * File extensions to keep.
         *
         * @param v extensions to keep
         */
        public Builder exts(String... v) {
            exts = List.of(v);
            return this;
        }

        /** The options. */
        public ListOptions build() {
            return new ListOptions(parentId, count, offset, order, orderBy, filter, ignore, exts);
        }
    }
}
