package io.yundoc.server.files;

import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ServerClock;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Content search (api.md §5.3). A write only adds its file id to {@code index_queue} inside its own transaction;
 * one background thread takes queued files, extracts their text with Apache Tika and stores it lowercased in
 * {@code file_text} (SQLite: FTS5 trigram; PostgreSQL: pg_trgm), so no upload ever waits for extraction.
 */
public final class ContentIndex implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ContentIndex.class.getName());
    /** Extensions whose text is indexed; everything else never matches a content search. */
    public static final Set<String> INDEXED = Set.of("txt", "md", "csv", "json", "xml", "html", "htm", "log",
            "docx", "xlsx", "pptx", "pdf");
    private static final long MAX_BYTES = 64L << 20;
    private static final int MAX_CHARS = 4 << 20;
    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final ServerClock clock;
    private final boolean postgres;
    private final Thread worker;
    private final Object lock = new Object();
    private volatile boolean running = true;
    private boolean busy;
    private boolean signalled;
    /** Built on first use by the worker (its service loading is slow), then reused: one parser, one thread. */
    private AutoDetectParser parser;

    public ContentIndex(Jdbi jdbi, BlobStore blobs, ServerClock clock, boolean postgres) {
        this.jdbi = jdbi;
        this.blobs = blobs;
        this.clock = clock;
        this.postgres = postgres;
        this.worker = Thread.ofPlatform().daemon().name("yundoc-indexer").start(this::loop);
    }

    /** Queues a file for (re-)indexing; call inside the write's transaction, then {@link #wake()} after it. */
    public void enqueue(Handle h, String fileId, long now) {
        h.createUpdate("INSERT INTO index_queue (file_id, queued_at) VALUES (:f, :t) ON CONFLICT (file_id) DO UPDATE "
                + "SET queued_at = excluded.queued_at").bind("f", fileId).bind("t", now).execute();
    }

    public void wake() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    /** Files still waiting. */
    public long pending() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM index_queue").mapTo(Long.class).one());
    }

    /** Waits (up to {@code timeoutMs}) until the queue is empty and the worker idle; returns what is still pending. */
    public long flush(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        wake();
        while (System.currentTimeMillis() < deadline) {
            boolean idle;
            synchronized (lock) {
                idle = !busy && !signalled;
            }
            if (idle && pending() == 0) {
                return 0;
            }
            Thread.sleep(20);
        }
        return pending();
    }

    /**
     * The SQL condition on {@code f.file_id} for files whose text contains {@code query} (case-insensitive). Three
     * or more characters use the trigram index; shorter ones scan, with the same results.
     */
    public String matchCondition(String query, Map<String, Object> binds) {
        String q = query.toLowerCase(Locale.ROOT);
        if (postgres) {
            binds.put("cq", "%" + DriveService.likeEscape(q) + "%");
            return "f.file_id IN (SELECT file_id FROM file_text WHERE body LIKE :cq ESCAPE '!')";
        }
        String rows;
        if (q.codePointCount(0, q.length()) >= 3) {
            binds.put("cq", "\"" + q.replace("\"", "\"\"") + "\"");
            rows = "SELECT rowid FROM file_text WHERE file_text MATCH :cq";
        } else {
            binds.put("cq", q);
            rows = "SELECT rowid FROM file_text WHERE instr(body, :cq) > 0";
        }
        return "f.file_id IN (SELECT m.file_id FROM file_text_ids m WHERE m.rid IN (" + rows + "))";
    }

    private void loop() {
        while (running) {
            try {
                synchronized (lock) {
                    if (!signalled) {
                        lock.wait(2000); // queued rows from before a restart are picked up by the periodic pass
                    }
                    signalled = false;
                    busy = true;
                }
                drain();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) { // at shutdown the pool may close under a pass; the queue row stays for next start
                    LOG.log(Level.WARNING, "content indexer pass failed", e);
                }
            } finally {
                synchronized (lock) {
                    busy = false;
                }
            }
        }
    }

    private void drain() {
        while (running) {
            var next = jdbi.withHandle(h -> h.createQuery("SELECT file_id, queued_at FROM index_queue ORDER BY queued_at, file_id LIMIT 1")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).findOne());
            if (next.isEmpty()) {
                return;
            }
            String fileId = next.get().getKey();
            long queuedAt = next.get().getValue();
            String text = null;
            String blobKey = null;
            FileRecord f = jdbi.withHandle(h -> FileStore.find(h, fileId)).orElse(null);
            if (f != null && "file".equals(f.kind()) && f.blobKey() != null && f.size() <= MAX_BYTES
                    && INDEXED.contains(ContentTypes.extension(f.name()))) {
                blobKey = f.blobKey();
                text = extract(f);
            }
            String key = blobKey;
            String body = text;
            jdbi.useTransaction(h -> {
                store(h, fileId, key, body == null ? null : body.toLowerCase(Locale.ROOT));
                // a file re-queued while we worked stays queued for another pass
                h.createUpdate("DELETE FROM index_queue WHERE file_id = :f AND queued_at = :t")
                        .bind("f", fileId).bind("t", queuedAt).execute();
            });
        }
    }

    /** Replaces a file's text (null: removes it). */
    private void store(Handle h, String fileId, String blobKey, String body) {
        if (postgres) {
            h.createUpdate("DELETE FROM file_text WHERE file_id = :f").bind("f", fileId).execute();
            if (body != null) {
                h.createUpdate("INSERT INTO file_text (file_id, blob_key, body) VALUES (:f, :k, :b)")
                        .bind("f", fileId).bind("k", blobKey).bind("b", body).execute();
            }
            return;
        }
        Long rid = h.createQuery("SELECT rid FROM file_text_ids WHERE file_id = :f").bind("f", fileId).mapTo(Long.class)
                .findOne().orElse(null);
        if (rid != null) {
            h.createUpdate("DELETE FROM file_text WHERE rowid = :r").bind("r", rid).execute();
        }
        if (body == null) {
            h.createUpdate("DELETE FROM file_text_ids WHERE file_id = :f").bind("f", fileId).execute();
            return;
        }
        if (rid == null) {
            h.createUpdate("INSERT INTO file_text_ids (file_id) VALUES (:f)").bind("f", fileId).execute();
            rid = h.createQuery("SELECT rid FROM file_text_ids WHERE file_id = :f").bind("f", fileId).mapTo(Long.class).one();
        }
        h.createUpdate("INSERT INTO file_text (rowid, body) VALUES (:r, :b)").bind("r", rid).bind("b", body).execute();
    }

    /** Removes a file's text and queue row (permanent deletes). */
    public void forget(Handle h, String fileId) {
        store(h, fileId, null, null);
        h.createUpdate("DELETE FROM index_queue WHERE file_id = :f").bind("f", fileId).execute();
    }

    private String extract(FileRecord f) {
        try (InputStream in = blobs.open(f.blobKey(), 0)) {
            BodyContentHandler handler = new BodyContentHandler(MAX_CHARS);
            Metadata md = new Metadata();
            md.set(TikaCoreProperties.RESOURCE_NAME_KEY, f.name());
            try {
                if (parser == null) {
                    parser = new AutoDetectParser();
                }
                parser.parse(in, handler, md, new ParseContext());
            } catch (org.xml.sax.SAXException e) {
                // write limit reached: keep what was extracted so far
                LOG.fine("text of " + f.fileId() + " truncated: " + e.getMessage());
            }
            return handler.toString();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.INFO, "cannot extract text of file " + f.fileId() + ": " + e);
            return "";
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(3000); // let a running pass finish before the database closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
