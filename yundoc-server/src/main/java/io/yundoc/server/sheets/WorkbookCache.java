package io.yundoc.server.sheets;

import io.yundoc.server.blob.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parsed workbook content ({@code .xlsx} through {@link XlsxReader}, {@code .xls} through {@link XlsReader}, chosen by
 * the bytes) by blob (content-addressed, so an entry never goes stale: a new version is a new
 * blob) and sheet: the sheet list, each sheet's merged areas, and its cells in blocks of
 * {@link XlsxReader#BLOCK_ROWS} rows. Bounded by a total cell count, least recently used first out, so repeated
 * range reads do not re-parse and memory does not grow with the files read. One parse per (blob, sheet) at a time:
 * concurrent first reads wait for it instead of parsing again.
 */
final class WorkbookCache {
    /** Cells kept in all (an entry costs about 100 bytes a cell). */
    static final int MAX_CELLS = 400_000;
    /** Cells one parse keeps beyond the blocks it was asked for, so a small sheet is cached whole at once. */
    static final int SCAN_BUDGET = 100_000;
    /** Bytes of rendered answers kept in all (a 1,000 × 20 answer of numbers is about 2 MiB). */
    static final int RENDERED_BYTES = 32 << 20;

    private final BlobStore blobs;
    private final Path spoolDir;
    private final LinkedHashMap<String, Object> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<String, Integer> weights = new HashMap<>();
    private long weight;
    private final Map<String, ReentrantLock> parsing = new ConcurrentHashMap<>();
    private final AtomicLong parses = new AtomicLong();
    /** Rendered et cells answers by blob, sheet and range (access order), and their total size. */
    private final LinkedHashMap<String, byte[]> rendered = new LinkedHashMap<>(64, 0.75f, true);

    private long renderedBytes;

    WorkbookCache(BlobStore blobs, Path spoolDir) {
        this.blobs = blobs;
        this.spoolDir = spoolDir;
    }

    /** Sheet passes run so far (tests check that cached reads do not parse again). */
    long parses() {
        return parses.get();
    }

    synchronized long weight() {
        return weight;
    }

    @SuppressWarnings("unchecked")
    List<XlsxReader.SheetInfo> sheets(String blobKey) throws XlsxReader.Unreadable {
        String key = blobKey + "/sheets";
        Object hit = get(key);
        if (hit != null) {
            return (List<XlsxReader.SheetInfo>) hit;
        }
        List<XlsxReader.SheetInfo> list =
                withFile(blobKey, f -> XlsReader.isOle2(f) ? XlsReader.sheets(f) : XlsxReader.sheets(f));
        put(key, List.copyOf(list), list.size());
        return list;
    }

    /** The sheet's merged areas and the cells of rows {@code r1..r2} (all columns), from the cache or one pass. */
    @SuppressWarnings("unchecked")
    Slice slice(String blobKey, int idx, int r1, int r2, int c1, int c2) throws XlsxReader.Unreadable {
        Set<Integer> wanted = new HashSet<>();
        for (int b = r1 / XlsxReader.BLOCK_ROWS; b <= r2 / XlsxReader.BLOCK_ROWS; b++) {
            wanted.add(b);
        }
        String sheetKey = blobKey + "/" + idx;
        Optional<Slice> cached = cachedSlice(sheetKey, wanted);
        if (cached.isPresent() && topLeftsPresent(cached.get(), r1, r2, c1, c2).isEmpty()) {
            return cached.get();
        }
        ReentrantLock lock = parsing.computeIfAbsent(sheetKey, k -> new ReentrantLock());
        lock.lock();
        try {
            cached = cachedSlice(sheetKey, wanted);
            if (cached.isPresent()) {
                Set<Integer> more = topLeftsPresent(cached.get(), r1, r2, c1, c2);
                if (more.isEmpty()) {
                    return cached.get();
                }
                wanted.addAll(more);
            }
            XlsxReader.Scan scan = scan(blobKey, idx, wanted);
            // a merged area reaching into the range from a block not kept: its top-left value is needed too
            Set<Integer> more = new HashSet<>();
            for (XlsxReader.Merge m : scan.merges()) {
                int b = m.rowFrom() / XlsxReader.BLOCK_ROWS;
                if (m.intersects(r1, r2, c1, c2) && !scan.blocks().containsKey(b) && !wanted.contains(b)) {
                    more.add(b);
                }
            }
            if (!more.isEmpty()) {
                wanted.addAll(more);
                scan = scan(blobKey, idx, wanted);
            }
            put(sheetKey + "/m", List.copyOf(scan.merges()), 1 + scan.merges().size());
            put(
                    sheetKey + "/p",
                    List.copyOf(scan.pictures()),
                    1 + scan.pictures().size());
            for (int b : union(wanted, scan.blocks().keySet())) {
                List<XlsxReader.Cell> cells = scan.blocks().getOrDefault(b, List.of());
                put(sheetKey + "/b" + b, List.copyOf(cells), 1 + cells.size());
            }
            Map<Integer, List<XlsxReader.Cell>> blocks = new TreeMap<>();
            for (int b : wanted) {
                blocks.put(b, scan.blocks().getOrDefault(b, List.of()));
            }
            return new Slice(scan.merges(), blocks, scan.pictures());
        } finally {
            lock.unlock();
            if (!lock.hasQueuedThreads()) {
                // locks live only while someone parses, so the map does not grow with the workbooks ever read
                parsing.remove(sheetKey, lock);
            }
        }
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private XlsxReader.Scan scan(String blobKey, int idx, Set<Integer> wanted) throws XlsxReader.Unreadable {
        parses.incrementAndGet();
        // the bytes pick the reader: an OLE2 container is a BIFF8 .xls (or an encrypted workbook, which both refuse)
        return withFile(
                blobKey,
                f -> XlsReader.isOle2(f)
                        ? XlsReader.scan(f, idx, wanted, SCAN_BUDGET)
                        : XlsxReader.scan(f, idx, wanted, SCAN_BUDGET));
    }

    /** Blocks holding the top-left cell of a merged area that reaches into the range, when not cached. */
    private Set<Integer> topLeftsPresent(Slice s, int r1, int r2, int c1, int c2) {
        Set<Integer> missing = new HashSet<>();
        for (XlsxReader.Merge m : s.merges()) {
            int b = m.rowFrom() / XlsxReader.BLOCK_ROWS;
            if (m.intersects(r1, r2, c1, c2) && !s.blocks().containsKey(b)) {
                missing.add(b);
            }
        }
        return missing;
    }

    @SuppressWarnings("unchecked")
    private Optional<Slice> cachedSlice(String sheetKey, Set<Integer> wanted) {
        Object merges = get(sheetKey + "/m");
        Object pictures = get(sheetKey + "/p");
        if (merges == null || pictures == null) {
            return Optional.empty();
        }
        Map<Integer, List<XlsxReader.Cell>> blocks = new TreeMap<>();
        for (int b : wanted) {
            Object cells = get(sheetKey + "/b" + b);
            if (cells == null) {
                return Optional.empty();
            }
            blocks.put(b, (List<XlsxReader.Cell>) cells);
        }
        // top-left cells of merges may lie in other cached blocks
        for (XlsxReader.Merge m : (List<XlsxReader.Merge>) merges) {
            int b = m.rowFrom() / XlsxReader.BLOCK_ROWS;
            if (!blocks.containsKey(b)) {
                Object cells = get(sheetKey + "/b" + b);
                if (cells != null) {
                    blocks.put(b, (List<XlsxReader.Cell>) cells);
                }
            }
        }
        return Optional.of(new Slice((List<XlsxReader.Merge>) merges, blocks, (List<XlsxReader.Picture>) pictures));
    }

    /** Merged areas of a sheet and the cells of some of its row blocks. */
    record Slice(
            List<XlsxReader.Merge> merges,
            Map<Integer, List<XlsxReader.Cell>> blocks,
            List<XlsxReader.Picture> pictures) {
        /** The cell at (row, col) when its block is here. */
        Optional<XlsxReader.Cell> cell(int row, int col) {
            List<XlsxReader.Cell> cells = blocks.get(row / XlsxReader.BLOCK_ROWS);
            if (cells == null) {
                return Optional.empty();
            }
            // row-major order: binary search by (row, col)
            int lo = 0;
            int hi = cells.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                XlsxReader.Cell c = cells.get(mid);
                int cmp = c.row() != row ? Integer.compare(c.row(), row) : Integer.compare(c.col(), col);
                if (cmp == 0) {
                    return Optional.of(c);
                }
                if (cmp < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return Optional.empty();
        }

        /** The cells of the range, row-major: from the first at or after (r1, c1), not the whole block. */
        List<XlsxReader.Cell> cellsIn(int r1, int r2, int c1, int c2) {
            List<XlsxReader.Cell> out = new ArrayList<>();
            for (int b = r1 / XlsxReader.BLOCK_ROWS; b <= r2 / XlsxReader.BLOCK_ROWS; b++) {
                List<XlsxReader.Cell> cells = blocks.getOrDefault(b, List.of());
                for (int i = firstAtOrAfter(cells, r1, c1); i < cells.size(); i++) {
                    XlsxReader.Cell c = cells.get(i);
                    if (c.row() > r2) {
                        break;
                    }
                    if (c.col() >= c1 && c.col() <= c2) {
                        out.add(c);
                    } else if (c.col() < c1) {
                        i = firstAtOrAfter(cells, c.row(), c1) - 1;
                    } else {
                        // the rest of this row is outside: go on at (next row, c1)
                        i = firstAtOrAfter(cells, c.row() + 1, c1) - 1;
                    }
                }
            }
            return out;
        }

        /** The index of the first cell at or after (row, col) in row-major order (binary search). */
        private static int firstAtOrAfter(List<XlsxReader.Cell> cells, int row, int col) {
            int lo = 0;
            int hi = cells.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                XlsxReader.Cell c = cells.get(mid);
                if (c.row() < row || (c.row() == row && c.col() < col)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** A rendered answer of a range of this blob ({@code key}: sheet and bounds), or null. */
    byte[] rendered(String blobKey, String key) {
        synchronized (rendered) {
            return rendered.get(blobKey + "/" + key);
        }
    }

    /**
     * Keeps a rendered answer, least recently used first out past {@link #RENDERED_BYTES} in all; one larger than a
     * quarter of that is not kept. Blobs are content-addressed, so an entry never goes stale.
     */
    void keepRendered(String blobKey, String key, byte[] bytes) {
        if (bytes.length > RENDERED_BYTES / 4) {
            return;
        }
        synchronized (rendered) {
            byte[] old = rendered.put(blobKey + "/" + key, bytes);
            renderedBytes += bytes.length - (old == null ? 0 : old.length);
            var it = rendered.entrySet().iterator();
            while (renderedBytes > RENDERED_BYTES && it.hasNext()) {
                var e = it.next();
                renderedBytes -= e.getValue().length;
                it.remove();
            }
        }
    }

    private synchronized Object get(String key) {
        return entries.get(key);
    }

    private synchronized void put(String key, Object value, int w) {
        if (w > MAX_CELLS) {
            return;
        }
        Integer old = weights.put(key, w);
        entries.put(key, value);
        weight += w - (old == null ? 0 : old);
        var it = entries.entrySet().iterator();
        while (weight > MAX_CELLS && it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals(key)) {
                continue;
            }
            weight -= weights.remove(e.getKey());
            it.remove();
        }
    }

    /** Streams a picture of the workbook; false when it has none by that key. */
    boolean picture(String blobKey, String key, XlsxReader.PictureSink sink) throws XlsxReader.Unreadable {
        return withFile(blobKey, f -> {
            try {
                return XlsReader.isOle2(f) ? XlsReader.picture(f, key, sink) : XlsxReader.picture(f, key, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private interface FileWork<T> {
        T run(Path file) throws XlsxReader.Unreadable;
    }

    /** Runs {@code work} on the blob as a local file: in place when the store is local, else spooled to a temp file. */
    private <T> T withFile(String blobKey, FileWork<T> work) throws XlsxReader.Unreadable {
        Object bad = get(blobKey + "/unreadable");
        if (bad != null) {
            throw new XlsxReader.Unreadable((String) bad, null);
        }
        try {
            return readFile(blobKey, work);
        } catch (XlsxReader.Unreadable e) {
            // remembered, so a hostile workbook costs one parse, not one per request
            put(blobKey + "/unreadable", String.valueOf(e.getMessage()), 1);
            throw e;
        }
    }

    private <T> T readFile(String blobKey, FileWork<T> work) throws XlsxReader.Unreadable {
        Optional<Path> local = blobs.localPath(blobKey);
        if (local.isPresent()) {
            return work.run(local.get());
        }
        Path tmp = null;
        try {
            Files.createDirectories(spoolDir);
            tmp = Files.createTempFile(spoolDir, "xlsx-", ".tmp");
            try (InputStream in = blobs.open(blobKey, 0)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return work.run(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind is removed with the spool dir
                }
            }
        }
    }
}
