package io.yundoc.server.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.core.ServerClock;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.tika.detect.AutoDetectReader;
import org.apache.tika.exception.TikaException;
import org.apache.tika.metadata.Metadata;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Content search (api.md §5.3). A write only adds its file id to {@code index_queue} inside its own transaction;
 * one background thread takes queued files, extracts their text and stores it lowercased in {@code file_text}
 * (SQLite: FTS5 trigram; PostgreSQL: pg_trgm), so no upload ever waits for extraction.
 *
 * <p>No file can hurt the server (issue 13). Documents (Office, PDF, HTML, XML) are parsed by Tika in a separate
 * JVM ({@link TextExtractor}) with its own small heap, a time budget per file and a cap of {@link #MAX_CHARS}
 * characters enforced while parsing. Plain text (txt, md, csv, json, log) has no parser to bomb: it is decoded here,
 * streaming, and reading stops at the same cap. A file that fails once (unreadable, encrypted, out of memory, out of
 * time, too large) is recorded in {@code index_failures} with its reason and leaves the queue: never retried until a
 * new version is uploaded. Before extracting, the worker claims its queue row (attempts, claimed_until); a row found
 * claimed with its claim expired was under way when its process stopped, and is recorded as such instead of being
 * tried again, so a file that could ever take the server down cannot do it on every restart.
 */
public final class ContentIndex implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ContentIndex.class.getName());
    /** Extensions whose text is indexed; everything else never matches a content search. */
    public static final Set<String> INDEXED =
            Set.of("txt", "md", "csv", "json", "xml", "html", "htm", "log", "docx", "xlsx", "pptx", "pdf");
    /** Plain text: decoded in process, no parser involved. */
    private static final Set<String> PLAIN = Set.of("txt", "md", "csv", "json", "log");

    static final long MAX_BYTES = 64L << 20;
    static final int MAX_CHARS = 4 << 20;
    private static final TextExtractor.Outcome STOPPED =
            TextExtractor.Outcome.failed(TextExtractor.Kind.STOPPED, "server stopping");
    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final ServerClock clock;
    private final boolean postgres;
    private final TextExtractor extractor;
    private final Path workDir;
    /** How long a claim on a queue row lasts: well past one file's budget and the extractor's start. */
    private final long claimMillis;

    private final Map<TextExtractor.Kind, Counter> failures = new EnumMap<>(TextExtractor.Kind.class);
    /** Set when the extractor process could not start (worker thread only; wall time, a back-off, not an expiry). */
    private long pausedUntil;

    private final AtomicLong queueDepth = new AtomicLong();
    private final AtomicLong notIndexable = new AtomicLong();
    private final Thread worker;
    private final Object lock = new Object();
    private volatile boolean running = true;
    private boolean busy;
    private boolean signalled;

    /**
     * @param extractTimeout time budget of one file in the extractor process ({@code --extract-timeout})
     * @param extractHeap    heap cap of the extractor process ({@code --extract-heap})
     * @param workDir        where blobs that are not local files are copied for the extractor to read
     */
    public ContentIndex(
            Jdbi jdbi,
            BlobStore blobs,
            ServerClock clock,
            boolean postgres,
            Duration extractTimeout,
            long extractHeap,
            Path workDir,
            MeterRegistry registry) {
        this.jdbi = jdbi;
        this.blobs = blobs;
        this.clock = clock;
        this.postgres = postgres;
        this.workDir = workDir;
        removeLeftovers(workDir);
        this.extractor = new TextExtractor(extractTimeout, extractHeap, MAX_CHARS);
        this.claimMillis = 2 * extractTimeout.toMillis() + 120_000;
        for (TextExtractor.Kind k : TextExtractor.Kind.values()) {
            if (k != TextExtractor.Kind.STOPPED && k != TextExtractor.Kind.UNAVAILABLE) {
                failures.put(
                        k,
                        Counter.builder("yundoc_index_failures")
                                .description(
                                        "files the content indexer gave up on, by reason (each is listed by GET /admin/v1/indexer)")
                                .tag("reason", k.name().toLowerCase(Locale.ROOT))
                                .register(registry));
            }
        }
        // counted by the worker after each file and each pass (every 2 s when idle): a scrape never waits on the
        // database
        Gauge.builder("yundoc_index_queue_depth", queueDepth, AtomicLong::get)
                .description("files waiting for the content indexer")
                .register(registry);
        Gauge.builder("yundoc_index_not_indexable_files", notIndexable, AtomicLong::get)
                .description("files whose text could not be extracted (GET /admin/v1/indexer)")
                .register(registry);
        this.worker = Thread.ofPlatform().daemon().name("yundoc-indexer").start(this::loop);
    }

    /** Queues a file for (re-)indexing; call inside the write's transaction, then {@link #wake()} after it. */
    public void enqueue(Handle h, String fileId, long now) {
        // new content gets a fresh try, whatever happened to the previous one
        ContentIndexStore.enqueue(h, fileId, now);
    }

    public void wake() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    /** Files still waiting. */
    public long pending() {
        return jdbi.withHandle(ContentIndexStore::pending);
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
        return ContentIndexStore.matchCondition(postgres, query.toLowerCase(Locale.ROOT), binds);
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
                countForGauges();
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
        if (System.currentTimeMillis() < pausedUntil) {
            return;
        }
        while (running) {
            long now = clock.millis();
            Optional<ContentIndexStore.Queued> next = jdbi.withHandle(h -> ContentIndexStore.nextDue(h, now));
            if (next.isEmpty()) {
                return;
            }
            ContentIndexStore.Queued q = next.get();
            // claim it (another instance on the same database may be looking at the same row)
            boolean claimed = jdbi.withHandle(h -> ContentIndexStore.claim(h, q, now + claimMillis));
            if (!claimed) {
                continue;
            }
            FileRecord f = jdbi.withHandle(h -> FileStore.find(h, q.fileId())).orElse(null);
            boolean indexable = f != null
                    && "file".equals(f.kind())
                    && f.blobKey() != null
                    && INDEXED.contains(ContentTypes.extension(f.name()));
            TextExtractor.Outcome outcome;
            if (!indexable) {
                outcome = TextExtractor.Outcome.text(null); // nothing to search in: no text, and no failure either
            } else if (q.attempts() > 0) {
                outcome = TextExtractor.Outcome.failed(
                        TextExtractor.Kind.INTERRUPTED,
                        "the server stopped while extracting this file; not tried again");
            } else if (f.size() > MAX_BYTES) {
                outcome = TextExtractor.Outcome.failed(
                        TextExtractor.Kind.TOO_LARGE, "larger than the " + (MAX_BYTES >> 20) + " MiB extraction limit");
            } else {
                outcome = extract(f);
            }
            if (outcome.kind() == TextExtractor.Kind.STOPPED) {
                // not the file's fault: the next start tries it again. The stop's interrupt is set aside while the
                // claim is given back, so the pool hands out a connection rather than giving up on the wait.
                boolean interrupted = Thread.interrupted();
                release(q);
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (outcome.kind() == TextExtractor.Kind.UNAVAILABLE) {
                release(q); // not the file's fault either: try again later rather than mark every file
                LOG.warning(outcome.failure() + "; content indexing pauses for a minute");
                pausedUntil = System.currentTimeMillis() + 60_000;
                return;
            }
            try {
                finish(q, f, outcome);
            } catch (RuntimeException e) {
                release(q); // the database failed, not the file
                throw e;
            }
            countForGauges();
        }
    }

    private void countForGauges() {
        queueDepth.set(pending());
        notIndexable.set(notIndexableCount());
    }

    /** Stores the outcome, records or clears the file's failure, and takes the row off the queue, in one transaction. */
    private void finish(ContentIndexStore.Queued q, FileRecord f, TextExtractor.Outcome outcome) {
        String key = outcome.text() == null ? null : f.blobKey();
        String body = outcome.text() == null ? null : outcome.text().toLowerCase(Locale.ROOT);
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            ContentIndexStore.putText(h, postgres, q.fileId(), key, body);
            ContentIndexStore.setFailure(
                    h, q.fileId(), outcome.failure() == null ? null : f.blobKey(), outcome.failure(), now);
            // a file re-queued while we worked stays queued for another pass
            ContentIndexStore.dequeue(h, q);
        });
        if (outcome.failure() != null) {
            failures.get(outcome.kind()).increment();
            LOG.warning("file " + q.fileId() + " is not indexable: " + outcome.failure());
        }
    }

    private void release(ContentIndexStore.Queued q) {
        try {
            jdbi.useHandle(h -> ContentIndexStore.release(h, q));
        } catch (RuntimeException e) {
            // the database is closing too: the expired claim reads as "stopped during it" next time
            LOG.log(Level.FINE, "could not release index claim", e);
        }
    }

    /** Removes a file's text and queue row (permanent deletes). */
    public void forget(Handle h, String fileId) {
        ContentIndexStore.forget(h, postgres, fileId);
    }

    private TextExtractor.Outcome extract(FileRecord f) {
        String ext = ContentTypes.extension(f.name());
        if (PLAIN.contains(ext)) {
            return plainText(f);
        }
        Optional<Path> local = blobs.localPath(f.blobKey());
        if (local.isPresent()) {
            return extractor.extract(local.get(), f.name());
        }
        Path copy = null;
        try {
            Files.createDirectories(workDir);
            copy = Files.createTempFile(workDir, "extract-", "." + ext);
            try (InputStream in = blobs.open(f.blobKey(), 0)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return extractor.extract(copy, f.name());
        } catch (IOException e) {
            if (stopping(e)) {
                return STOPPED;
            }
            // the store did not give the bytes: that is not the file's fault, but retrying in a loop helps no one
            return TextExtractor.Outcome.failed(
                    TextExtractor.Kind.UNREADABLE, "could not read the stored content: " + e.getMessage());
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException ignored) {
                    // a temp file in the work dir; removeLeftovers takes it at the next start
                }
            }
        }
    }

    /** Copies left by a process that stopped during an extraction. */
    private static void removeLeftovers(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(Level.INFO, "could not clean " + dir, e);
        }
    }

    /** Plain text: the charset detected as Tika's text parser does, decoded streaming, at most MAX_CHARS chars. */
    private TextExtractor.Outcome plainText(FileRecord f) {
        Metadata md = new Metadata();
        try (InputStream in = new BufferedInputStream(blobs.open(f.blobKey(), 0));
                Reader r = new AutoDetectReader(in, md)) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            for (int n;
                    sb.length() < MAX_CHARS
                            && (n = r.read(buf, 0, Math.min(buf.length, MAX_CHARS - sb.length()))) > 0; ) {
                sb.append(buf, 0, n);
            }
            return TextExtractor.Outcome.text(sb.toString());
        } catch (IOException | TikaException e) {
            if (stopping(e)) {
                return STOPPED;
            }
            return TextExtractor.Outcome.failed(TextExtractor.Kind.UNREADABLE, ExtractorProcess.reason(e));
        }
    }

    /**
     * A read cut short by {@link #close()} (its interrupt closes the blob's channel) says nothing about the file: it
     * goes back to the queue rather than being listed as unreadable for good.
     */
    private boolean stopping(Exception e) {
        if (!running || Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClosedByInterruptException || t instanceof InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /** Files recorded as not indexable. */
    public long notIndexableCount() {
        return jdbi.withHandle(ContentIndexStore::failureCount);
    }

    /**
     * What {@code GET /admin/v1/indexer} shows: files waiting, and the files that are not indexable (newest first, at
     * most {@code limit}) with their name and reason.
     */
    public Map<String, Object> status(int limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pending", pending());
        m.put("not_indexable_count", notIndexableCount());
        List<Map<String, Object>> rows = jdbi.withHandle(h -> ContentIndexStore.failures(h, limit));
        m.put("not_indexable", rows);
        m.put("extractor", Map.of("pid", extractor.pid(), "starts", extractor.starts()));
        return m;
    }

    @Override
    public void close() {
        running = false;
        extractor.close(); // a file in the extractor is given back to the queue, not marked
        worker.interrupt();
        try {
            worker.join(3000); // let a running pass finish before the database closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
