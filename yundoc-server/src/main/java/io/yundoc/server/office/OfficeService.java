package io.yundoc.server.office;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Hex;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DirTree;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.core.ZipGuard;
import io.yundoc.server.files.CloudImporter;
import io.yundoc.server.files.ContentStore;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.TextExtractor;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * Conversion and extraction (docs/api-families.md §F3): validates a request, fetches its URL before answering (URL
 * errors surface at POST, §F3.4), stores the input as a blob and queues a task row; workers on every instance claim
 * tasks from the database (a lease renewed while they run; a task whose worker died is claimed once more, then
 * failed), convert with the {@link OfficeEngine} and poppler ({@link PdfTools}), and store the outputs as blobs kept
 * one hour. Extraction is synchronous, through the out-of-process Tika extractor.
 *
 * <p>Also the preview API for the viewer pages ({@link #previewPdf}): one PDF per source content hash and options,
 * made once in the background.
 */
public final class OfficeService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OfficeService.class.getName());
    static final String TASK_PREFIX = "cvt_";
    /** Download tickets of outputs carry "office:" + task id: a colon never appears in a file id. */
    static final String TICKET_PREFIX = "office:";

    static final Duration KEEP = Duration.ofHours(1);
    static final Duration URL_TTL = Duration.ofMinutes(30);
    static final int MAX_PAGES = 500;
    static final long MAX_OUTPUT = 256L << 20;
    static final long MAX_PAGE_PIXELS = 40_000_000L;
    static final long MAX_LONG_PIC_PIXELS = 120_000_000L;
    static final int MAX_TEXT_BYTES = 10 << 20;
    private static final long LEASE_MILLIS = 60_000;
    private static final String PREVIEW_VERSION = "pdf-1";

    private final OfficeStore store;
    private final Jdbi jdbi;
    private final OfficeEngine engine;
    private final PdfTools pdf;
    private final ContentStore content;
    private final BlobStore blobs;
    private final DownloadService downloads;
    private final CloudImporter fetcher;
    private final ServerClock clock;
    private final IdGenerator ids;
    private final Path workDir;
    private final long maxInput;
    private final long maxInflated;
    private final int maxZipEntries;
    private final Duration taskBudget;
    private final Duration extractTimeout;
    private final long extractHeap;
    private final String worker;
    private final Object wake = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private final Object extractLock = new Object();
    private TextExtractor extractor;
    private volatile boolean running = true;
    private long lastSweep;

    /** What the preview viewer learns about a document's PDF. */
    public enum PreviewStatus {
        /** The PDF is being made (or queued); ask again later. */
        PREPARING,
        /** {@link Preview#pdfBlobKey} holds it. */
        READY,
        /** It cannot be made (message says why); it will not be tried again for these bytes. */
        FAILED,
        /** Not a type the engine converts (no preview). */
        UNSUPPORTED,
        /** No office engine on this server. */
        NO_ENGINE
    }

    /** A preview's state and, when ready, the blob of its PDF. */
    public record Preview(PreviewStatus status, String pdfBlobKey, String message) {}

    public OfficeService(
            Jdbi jdbi,
            Jdbi housekeeping,
            OfficeEngine engine,
            ContentStore content,
            BlobStore blobs,
            DownloadService downloads,
            CloudImporter fetcher,
            ServerClock clock,
            IdGenerator ids,
            Path workDir,
            long maxInput,
            long maxInflated,
            int maxZipEntries,
            Duration taskTimeout,
            int workers,
            Duration extractTimeout,
            long extractHeap) {
        this.store = new OfficeStore(jdbi, housekeeping);
        this.jdbi = jdbi;
        this.engine = engine;
        this.pdf = PdfTools.onPath();
        this.content = content;
        this.blobs = blobs;
        this.downloads = downloads;
        this.fetcher = fetcher;
        this.clock = clock;
        this.ids = ids;
        this.workDir = workDir;
        this.maxInput = maxInput;
        this.maxInflated = maxInflated;
        this.maxZipEntries = maxZipEntries;
        // one step (the office conversion) at most taskTimeout; the whole task, poppler steps included, 2.5× that
        this.taskBudget = taskTimeout.multipliedBy(5).dividedBy(2);
        this.extractTimeout = extractTimeout;
        this.extractHeap = extractHeap;
        this.worker = ids.internal();
        downloads.source(TICKET_PREFIX, (id, key) -> store.outputName(id.substring(TICKET_PREFIX.length()), key));
        if (engine.available()) {
            for (int i = 0; i < workers; i++) {
                startWorker(i);
            }
        }
    }

    private void startWorker(int i) {
        workers.add(
                Thread.ofPlatform().daemon().name("yundoc-office-worker-" + i).start(this::work));
    }

    /** True when conversions can run (an office engine was found). */
    public boolean engineAvailable() {
        return engine.available();
    }

    static ApiException noEngine() {
        return new ApiException(
                ErrorCode.NO_IMPL,
                "no office engine installed: install the Debian packages " + OfficeEngine.PACKAGES
                        + " (or name one with --office-home)");
    }

    // ---------------------------------------------------------------- convert

    /** POST convert: validates, fetches the URL, stores the input and queues the task; returns its id. */
    public String submit(String appId, String kind, ObjectNode body, String baseUrl) {
        if (!engine.available()) {
            throw noEngine();
        }
        OfficeOptions o = OfficeOptions.parse(kind, body);
        String url = Json.text(body, "url").orElse(null);
        long now = clock.millis();
        BlobRecord input = input(appId, url, baseUrl);
        String taskId = TASK_PREFIX + ids.ids().lowerToken();
        try {
            checkPassword(input.key(), input.size(), o.ext(), o.password());
            store.create(
                    new OfficeStore.Task(
                            taskId,
                            appId,
                            kind,
                            o.filename(),
                            o.toJson(true),
                            input.key(),
                            input.size(),
                            "queued",
                            0,
                            null,
                            0,
                            null,
                            now,
                            null,
                            null),
                    input);
        } finally {
            content.release(input.key());
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        return taskId;
    }

    /**
     * The input's blob, pinned (the caller releases it): a download URL this server issued (api.md §6) is read from the
     * store, any other URL is fetched through the URL-import guard.
     */
    private BlobRecord input(String appId, String url, String baseUrl) {
        Optional<BlobRecord> own = downloads.resolve(baseUrl, url);
        if (own.isPresent()) {
            if (own.get().size() > maxInput) {
                throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "file larger than " + maxInput + " bytes");
            }
            content.pin(own.get().key());
            return own.get();
        }
        try (BlobStore.PendingBlob p = fetcher.fetchForApp(appId, url, maxInput)) {
            if (p.size() == 0) {
                throw ApiException.invalid("the document at url is empty");
            }
            return content.commit(p, clock.epochSeconds());
        }
    }

    /**
     * Encrypted input without a password → 10001 {@code password required} at POST (§F3.2): an OOXML file
     * (docx/xlsx/pptx) is encrypted when it is an OLE2 compound file; a legacy one (doc/xls/ppt, OLE2 anyway) when
     * {@link LegacyEncryption} finds its format's encryption mark; a PDF when its trailer names /Encrypt. Only the
     * first 8 bytes, a few bytes of a legacy file's streams (mapped, not loaded) and a PDF's last 64 KiB are read.
     */
    private void checkPassword(String key, long size, String ext, String password) {
        if (password != null) {
            return;
        }
        try {
            boolean encrypted = false;
            if (ext.equals("docx") || ext.equals("xlsx") || ext.equals("pptx")) {
                try (InputStream in = blobs.open(key, 0)) {
                    encrypted = LegacyEncryption.isOle2(in.readNBytes(8));
                }
            } else if (ext.equals("doc") || ext.equals("xls") || ext.equals("ppt")) {
                boolean ole2;
                try (InputStream in = blobs.open(key, 0)) {
                    ole2 = LegacyEncryption.isOle2(in.readNBytes(8));
                }
                if (ole2) {
                    encrypted = legacyEncrypted(key, ext);
                }
            } else if (ext.equals("pdf")) {
                try (InputStream in = blobs.open(key, Math.max(0, size - 65536))) {
                    String tail = new String(in.readNBytes(65536), StandardCharsets.ISO_8859_1);
                    encrypted = tail.contains("/Encrypt");
                }
            }
            if (encrypted) {
                throw ApiException.invalid("password required");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The legacy file's verdict, read from the blob's own file when blobs are local, else from a copy. */
    private boolean legacyEncrypted(String key, String ext) throws IOException {
        Optional<Path> local = blobs.localPath(key);
        if (local.isPresent()) {
            return LegacyEncryption.encrypted(local.get());
        }
        Path dir = workDir.resolve("check").resolve(ids.internal());
        try {
            Files.createDirectories(dir);
            return LegacyEncryption.encrypted(materialise(key, dir, "input." + ext));
        } finally {
            DirTree.deleteQuietly(dir);
        }
    }

    /** GET task (§F3.3): the app's own tasks only; fresh 30-minute URLs for the outputs. */
    public Map<String, Object> task(String appId, String taskId, String baseUrl) {
        OfficeStore.Task t = (taskId == null || !taskId.startsWith(TASK_PREFIX)
                        ? Optional.<OfficeStore.Task>empty()
                        : store.find(taskId))
                .filter(x -> x.appId().equals(appId))
                .orElseThrow(() -> ApiException.invalid("task not found"));
        Map<String, Object> m = new LinkedHashMap<>();
        String status = switch (t.status()) {
            case "success" -> "success";
            case "failure" -> "failure";
            default -> "processing";
        };
        m.put("status", status);
        m.put("progress", status.equals("success") ? 100 : t.progress());
        if (status.equals("failure")) {
            m.put("message", t.message() == null ? "conversion failed" : t.message());
        }
        if (status.equals("success")) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (OfficeStore.Output o : store.outputs(taskId)) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("url", downloads.url(baseUrl, TICKET_PREFIX + taskId, o.blobKey(), o.name(), URL_TTL));
                item.put("size", o.size());
                if (t.kind().equals("jpg")) {
                    item.put("slideId", Integer.toString(o.seq() == 0 ? 1 : o.seq()));
                }
                items.add(item);
            }
            m.put(
                    "result",
                    Map.of(
                            switch (t.kind()) {
                                case "pdf" -> "pdfs";
                                case "jpg" -> "images";
                                default -> "txts";
                            },
                            items));
        }
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("elapsed", t.elapsedMs() == null ? Math.max(0, clock.millis() - t.createdAt()) : t.elapsedMs());
        task.put("resource_size", t.inputSize());
        m.put("task", task);
        return m;
    }

    // ---------------------------------------------------------------- workers

    private void work() {
        while (running) {
            try {
                sweepNow();
                long now = clock.millis();
                Optional<OfficeStore.Task> t = store.claim(worker, now, now + LEASE_MILLIS);
                if (t.isPresent()) {
                    run(t.get());
                    continue;
                }
                Optional<OfficeStore.Preview> p = store.claimPreview(worker, now, now + LEASE_MILLIS);
                if (p.isPresent()) {
                    runPreview(p.get());
                    continue;
                }
                synchronized (wake) {
                    wake.wait(2000); // another instance's tasks are found by this poll
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "office worker: " + e.getMessage(), e);
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Forgets expired tasks and orphan previews (every 5 minutes at most), then collects their blobs. */
    private void sweepNow() {
        long now = clock.millis();
        synchronized (this) {
            if (now - lastSweep < 300_000 && now >= lastSweep) {
                return;
            }
            lastSweep = now;
        }
        sweep();
    }

    /** One sweep: tasks ended over an hour ago (or stuck over a day), previews whose source is gone. */
    public int sweep() {
        long now = clock.millis();
        List<String> keys = new ArrayList<>(
                store.expire(now - KEEP.toMillis(), now - Duration.ofDays(1).toMillis()));
        keys.addAll(store.dropOrphanPreviews());
        return keys.isEmpty() ? 0 : content.collect(jdbi, keys);
    }

    /** A lease keeper: renews the claim every 15 s while the work runs, with the progress so far. */
    private final class Lease implements AutoCloseable {
        private final Thread thread;
        private volatile int progress;

        Lease(String taskId) {
            this.thread = Thread.ofVirtual().start(() -> {
                while (true) {
                    try {
                        Thread.sleep(15_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        long now = clock.millis();
                        store.renew(taskId, worker, now + LEASE_MILLIS, progress);
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "lease renewal failed", e);
                    }
                }
            });
        }

        void progress(int p) {
            progress = p;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    private void run(OfficeStore.Task t) {
        long started = System.nanoTime();
        long deadline = started + taskBudget.toNanos();
        Path dir = workDir.resolve("tasks").resolve(t.taskId());
        List<BlobRecord> stored = new ArrayList<>();
        List<OfficeStore.Output> outputs = new ArrayList<>();
        String failure = null;
        OfficeOptions o = null;
        try (Lease lease = new Lease(t.taskId())) {
            o = OfficeOptions.fromJson(t.options());
            Files.createDirectories(dir);
            if (t.inputBlob() == null) {
                throw new OfficeEngine.Failed("input no longer available");
            }
            Path input = materialise(t.inputBlob(), dir, "input." + o.ext());
            Path source = o.ext().equals("pdf") ? input : dir.resolve("converted.pdf");
            if (!o.ext().equals("pdf")) {
                guardZip(input);
                engine.toPdf(input, source, o.password(), o.showComments(), o.fitToWidth(), o.fitToHeight());
            }
            lease.progress(40);
            String pw = o.ext().equals("pdf") ? o.password() : null;
            int pages = pdf.info(source, pw, dir, deadline).pages();
            List<Integer> selected = o.select(pages);
            if (selected.isEmpty()) {
                throw new OfficeEngine.Failed("the page selection is empty: the document has " + pages + " page(s)");
            }
            if (selected.size() > MAX_PAGES && !o.kind().equals("pdf")) {
                throw new OfficeEngine.Failed("more than " + MAX_PAGES + " pages selected");
            }
            String base = baseName(o.filename());
            List<Path> files = new ArrayList<>();
            List<Integer> seqs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            switch (o.kind()) {
                case "pdf" -> {
                    files.add(selected.size() == pages ? source : pdf.select(source, selected, dir, deadline));
                    seqs.add(0);
                    names.add(base + ".pdf");
                }
                case "jpg" -> images(o, source, pw, selected, base, dir, deadline, lease, files, seqs, names);
                default -> texts(o, source, pw, selected, base, dir, deadline, lease, files, seqs, names);
            }
            long total = 0;
            for (Path f : files) {
                total += Files.size(f);
            }
            if (total > MAX_OUTPUT) {
                throw new OfficeEngine.Failed("the output is larger than " + MAX_OUTPUT + " bytes");
            }
            for (int i = 0; i < files.size(); i++) {
                BlobRecord b = storeFile(files.get(i));
                stored.add(b);
                outputs.add(new OfficeStore.Output(t.taskId(), seqs.get(i), names.get(i), b.key(), b.size()));
            }
        } catch (OfficeEngine.Failed e) {
            failure = e.getMessage();
        } catch (ApiException e) {
            failure = e.getMessage() == null ? "invalid task" : e.getMessage();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "conversion task " + t.taskId() + " failed", e);
            failure = "conversion failed (" + e.getClass().getSimpleName() + ")";
        } finally {
            DirTree.deleteQuietly(dir);
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        try {
            store.finish(
                    t.taskId(),
                    worker,
                    failure == null,
                    failure,
                    failure == null ? outputs : List.of(),
                    failure == null ? stored : List.of(),
                    clock.millis(),
                    elapsed);
            scrubPassword(t.taskId(), o);
        } finally {
            for (BlobRecord b : stored) {
                content.release(b.key());
            }
        }
    }

    /**
     * A zip package (docx, xlsx, pptx, odt… whatever its name says: the engine detects the type from the bytes) is
     * inflated into nothing first, under {@code --office-max-inflated} and {@code --office-max-zip-entries} and POI's
     * zip-bomb limits ({@link ZipGuard}): a bomb fails its task here, before the engine would inflate it whole.
     */
    private void guardZip(Path input) throws IOException, OfficeEngine.Failed {
        if (!ZipGuard.looksLikeZip(input)) {
            return;
        }
        try {
            ZipGuard.check(input, maxInflated, maxZipEntries);
        } catch (ZipGuard.Refused e) {
            throw new OfficeEngine.Failed(e.getMessage());
        }
    }

    /** The stored options lose the password once the task ended (it is needed only while converting). */
    private void scrubPassword(String taskId, OfficeOptions o) {
        if (o != null && o.password() != null) {
            store.options(taskId, o.toJson(false));
        }
    }

    private void images(
            OfficeOptions o,
            Path source,
            String pw,
            List<Integer> selected,
            String base,
            Path dir,
            long deadline,
            Lease lease,
            List<Path> files,
            List<Integer> seqs,
            List<String> names)
            throws OfficeEngine.Failed, IOException {
        if (o.longPic() && selected.size() > OfficeOptions.LONG_PIC_PAGES) {
            throw new OfficeEngine.Failed("long_pic takes at most " + OfficeOptions.LONG_PIC_PAGES + " pages");
        }
        int dpi = Math.max(1, o.dpi() * o.scale() / 100);
        List<double[]> sizes = pdf.sizes(source, pw, selected.get(0), selected.get(selected.size() - 1), dir, deadline);
        for (double[] s : sizes) {
            if (((long) (s[0] / 72 * dpi)) * ((long) (s[1] / 72 * dpi)) > MAX_PAGE_PIXELS) {
                throw new OfficeEngine.Failed("a page is too large to render at " + dpi + " dpi");
            }
        }
        List<Path> pages = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            pages.add(pdf.jpeg(source, pw, selected.get(i), dpi, o.quality(), dir, deadline));
            lease.progress(40 + 55 * (i + 1) / selected.size());
        }
        if (!o.longPic()) {
            for (int i = 0; i < pages.size(); i++) {
                files.add(pages.get(i));
                seqs.add(selected.get(i));
                names.add(base + "_" + selected.get(i) + ".jpg");
            }
            return;
        }
        files.add(stitch(pages, o.quality(), dir.resolve("long.jpg")));
        seqs.add(0);
        names.add(base + ".jpg");
    }

    /** The pages one below the other in one JPEG (images we rendered ourselves, size-checked before decoding). */
    private static Path stitch(List<Path> pages, int quality, Path out) throws IOException, OfficeEngine.Failed {
        int width = 0;
        long height = 0;
        List<int[]> dims = new ArrayList<>();
        for (Path p : pages) {
            try (var in = ImageIO.createImageInputStream(p.toFile())) {
                var readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) {
                    throw new OfficeEngine.Failed("a page image is unreadable");
                }
                var r = readers.next();
                try {
                    r.setInput(in);
                    dims.add(new int[] {r.getWidth(0), r.getHeight(0)});
                } finally {
                    r.dispose();
                }
            }
            width = Math.max(width, dims.get(dims.size() - 1)[0]);
            height += dims.get(dims.size() - 1)[1];
        }
        if (width * height > MAX_LONG_PIC_PIXELS || height > 65_000) {
            throw new OfficeEngine.Failed("the long picture would be too large; lower image_dpi or scale");
        }
        BufferedImage all = new BufferedImage(width, (int) height, BufferedImage.TYPE_INT_RGB);
        var g = all.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, (int) height);
            int y = 0;
            for (Path p : pages) {
                BufferedImage img = ImageIO.read(p.toFile());
                g.drawImage(img, 0, y, null);
                y += img.getHeight();
            }
        } finally {
            g.dispose();
        }
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out.toFile())) {
            w.setOutput(ios);
            ImageWriteParam param = w.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(0.01f, ((float) quality) / 100f));
            w.write(null, new IIOImage(all, null, null), param);
        } finally {
            w.dispose();
        }
        return out;
    }

    private void texts(
            OfficeOptions o,
            Path source,
            String pw,
            List<Integer> selected,
            String base,
            Path dir,
            long deadline,
            Lease lease,
            List<Path> files,
            List<Integer> seqs,
            List<String> names)
            throws OfficeEngine.Failed, IOException {
        List<String> pageTexts = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            Path t = pdf.text(source, pw, selected.get(i), dir, deadline);
            if (Files.size(t) > MAX_TEXT_BYTES) {
                throw new OfficeEngine.Failed("a page's text is larger than " + MAX_TEXT_BYTES + " bytes");
            }
            String s = Files.readString(t, StandardCharsets.UTF_8).replace("\f", "");
            if (!o.holdLineFeed()) {
                s = s.replaceAll("\r?\n", "");
            }
            pageTexts.add(s);
            lease.progress(40 + 55 * (i + 1) / selected.size());
        }
        if (o.longTxt()) {
            Path f = dir.resolve("long.txt");
            Files.writeString(f, String.join(o.holdLineFeed() ? "\n" : "", pageTexts), StandardCharsets.UTF_8);
            files.add(f);
            seqs.add(0);
            names.add(base + ".txt");
            return;
        }
        for (int i = 0; i < selected.size(); i++) {
            Path f = dir.resolve("out-" + selected.get(i) + ".txt");
            Files.writeString(f, pageTexts.get(i), StandardCharsets.UTF_8);
            files.add(f);
            seqs.add(selected.get(i));
            names.add(base + "_" + selected.get(i) + ".txt");
        }
    }

    static String baseName(String filename) {
        int dot = filename.lastIndexOf('.');
        return dot <= 0 ? filename : filename.substring(0, dot);
    }

    /** The blob as a file in {@code dir}: its own path when blobs are local files, else a copy. */
    private Path materialise(String key, Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        Optional<Path> local = blobs.localPath(key);
        if (local.isPresent()) {
            try {
                Files.createSymbolicLink(target, local.get());
                return target;
            } catch (IOException | UnsupportedOperationException e) {
                // fall through to a copy
            }
        }
        try (InputStream in = blobs.open(key, 0)) {
            Files.copy(in, target);
        }
        return target;
    }

    /** Pins and stores a produced file (the pin is released once its row is committed). */
    private BlobRecord storeFile(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f);
                BlobStore.PendingBlob p = content.receive(in, MAX_OUTPUT)) {
            return content.commit(p, clock.epochSeconds());
        }
    }

    // ---------------------------------------------------------------- previews

    /**
     * The PDF of a document for the viewer, by the content hash of its bytes: ready, or being made in the background
     * (once per content hash and options, whichever instance asks first), or why there is none. A PDF's own bytes are
     * its preview.
     */
    public Preview previewPdf(String sourceBlobKey, String filename) {
        String ext = OfficeOptions.extension(filename);
        if (ext.equals("pdf")) {
            return new Preview(PreviewStatus.READY, sourceBlobKey, null);
        }
        if (!OfficeOptions.OFFICE.contains(ext)) {
            return new Preview(PreviewStatus.UNSUPPORTED, null, "no preview for ." + ext + " files");
        }
        if (!engine.available()) {
            return new Preview(PreviewStatus.NO_ENGINE, null, "no office engine installed");
        }
        String key = Hex.sha256((sourceBlobKey + "|" + ext + "|" + PREVIEW_VERSION).getBytes(StandardCharsets.UTF_8));
        Optional<OfficeStore.Preview> row = store.preview(key);
        if (row.isEmpty()) {
            store.requestPreview(key, sourceBlobKey, ext, clock.millis());
            synchronized (wake) {
                wake.notifyAll();
            }
            return new Preview(PreviewStatus.PREPARING, null, null);
        }
        return switch (row.get().status()) {
            case "ready" -> new Preview(PreviewStatus.READY, row.get().blobKey(), null);
            case "failed" -> new Preview(PreviewStatus.FAILED, null, row.get().message());
            default -> new Preview(PreviewStatus.PREPARING, null, null);
        };
    }

    private void runPreview(OfficeStore.Preview p) {
        String blobKey = p.sourceBlob();
        String ext = p.sourceExt(); // tells the engine the input's type
        Path dir = workDir.resolve("previews").resolve(p.cacheKey());
        BlobRecord out = null;
        String failure = null;
        try {
            Files.createDirectories(dir);
            Path in = materialise(blobKey, dir, "input." + ext);
            Path pdfFile = dir.resolve("preview.pdf");
            guardZip(in);
            engine.toPdf(in, pdfFile, null, false);
            out = storeFile(pdfFile);
        } catch (OfficeEngine.Failed e) {
            failure = e.getMessage();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "preview " + p.cacheKey() + " failed", e);
            failure = "preview failed (" + e.getClass().getSimpleName() + ")";
        } finally {
            DirTree.deleteQuietly(dir);
        }
        try {
            store.finishPreview(p.cacheKey(), out, failure);
        } finally {
            if (out != null) {
                content.release(out.key());
            }
        }
    }

    // ---------------------------------------------------------------- extract

    /** POST extract (§F3.3 "Extraction"): synchronous; the text, at most 10 MiB of UTF-8. */
    public String extract(String appId, ObjectNode body, String baseUrl) {
        String name = OfficeOptions.filename(body);
        String ext = OfficeOptions.extension(name);
        if (!OfficeOptions.accepted("txt").contains(ext)) {
            throw ApiException.invalid("unsupported input type");
        }
        String password = Json.text(body, "password").filter(s -> !s.isEmpty()).orElse(null);
        String url = Json.text(body, "url").orElse(null);
        BlobRecord input = input(appId, url, baseUrl);
        Path dir = workDir.resolve("extract").resolve(ids.internal());
        try {
            jdbi.useHandle(h -> BlobIndexStore.record(h, input));
            checkPassword(input.key(), input.size(), ext, password);
            Files.createDirectories(dir);
            Path file = materialise(input.key(), dir, "input." + ext);
            if (password != null) {
                return withPassword(file, ext, password, dir);
            }
            TextExtractor.Outcome r;
            synchronized (extractLock) {
                if (extractor == null) {
                    extractor = new TextExtractor(extractTimeout, extractHeap, MAX_TEXT_BYTES + 1);
                }
                r = extractor.extract(file, name);
            }
            if (r.text() != null) {
                return bounded(r.text());
            }
            if (r.kind() == TextExtractor.Kind.TIMEOUT) {
                throw new ApiException(ErrorCode.TIMEOUT, "extraction took too long");
            }
            if ("encrypted".equals(r.failure())) {
                throw ApiException.invalid("password required");
            }
            throw ApiException.invalid(
                    switch (r.kind()) {
                        case OUT_OF_MEMORY -> "the document is too large to extract";
                        case UNREADABLE -> "the document could not be read";
                        default -> "extraction failed";
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            DirTree.deleteQuietly(dir);
            content.release(input.key());
            content.collect(jdbi, List.of(input.key())); // nothing refers to it: gone now unless a file shares it
        }
    }

    /** Encrypted input with a password: the office engine opens it (Tika here takes no password), poppler reads it. */
    private String withPassword(Path file, String ext, String password, Path dir) {
        long deadline = System.nanoTime() + taskBudget.toNanos();
        try {
            Path source = file;
            if (!ext.equals("pdf")) {
                if (!engine.available()) {
                    throw noEngine();
                }
                source = dir.resolve("converted.pdf");
                guardZip(file);
                engine.toPdf(file, source, password, false);
            }
            String pw = ext.equals("pdf") ? password : null;
            int pages = Math.min(pdf.info(source, pw, dir, deadline).pages(), MAX_PAGES);
            StringBuilder sb = new StringBuilder();
            for (int p = 1; p <= pages; p++) {
                Path t = pdf.text(source, pw, p, dir, deadline);
                if (p > 1) {
                    sb.append('\n');
                }
                sb.append(Files.readString(t, StandardCharsets.UTF_8).replace("\f", ""));
                if (sb.length() > MAX_TEXT_BYTES) {
                    break;
                }
            }
            return bounded(sb.toString());
        } catch (OfficeEngine.Failed e) {
            if (e.getMessage().equals("conversion took too long")) {
                throw new ApiException(ErrorCode.TIMEOUT, "extraction took too long");
            }
            throw ApiException.invalid(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bounded(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw new ApiException(ErrorCode.FILE_SIZE_LIMITED, "the text is larger than " + MAX_TEXT_BYTES + " bytes");
        }
        return text;
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : workers) {
            t.interrupt();
        }
        synchronized (extractLock) {
            if (extractor != null) {
                extractor.close();
            }
        }
    }
}
