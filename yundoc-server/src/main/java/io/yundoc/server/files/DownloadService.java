package io.yundoc.server.files;

import io.helidon.http.Method;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.wire.DownloadInfo;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobRecord;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.blob.DownloadTickets;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.ReadCache;
import io.yundoc.server.core.ServerClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary download URLs (api.md §6): minted by the download endpoints, served by {@code /dl/<ticket>/<name>}.
 * A ticket binds the file and the content hash it was minted for, and expires.
 */
public final class DownloadService implements ApiRoutes {
    private final DownloadTickets tickets;
    private final FileStore files;
    private final BlobIndexStore blobs;
    private final BlobResponder responder;
    private final ServerClock clock;
    private final long ttlSeconds;
    /** Owners of tickets that are not files (id prefix → names), e.g. conversion outputs (api-families.md §F3.3). */
    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    /** Bytes that are not a file's: the name to serve them under, while they are still kept. */
    public interface Source {
        /** The name of the output with this id and blob, or empty once it is gone. */
        Optional<String> name(String id, String blobKey);
    }

    public DownloadService(
            DownloadTickets tickets,
            FileStore files,
            BlobIndexStore blobs,
            BlobResponder responder,
            ServerClock clock,
            Duration ttl) {
        this.tickets = tickets;
        this.files = files;
        this.blobs = blobs;
        this.responder = responder;
        this.clock = clock;
        this.ttlSeconds = ttl.toSeconds();
    }

    /** The download answer for a file's current content: pinned (dev fixtures) or a fresh temporary URL. */
    public DownloadInfo answer(FileRecord f, String baseUrl) {
        return answer(null, f, baseUrl);
    }

    /** {@link #answer(FileRecord, String)} reading the blob row under the call's {@code reads} (null: none). */
    public DownloadInfo answer(ReadCache.Reads reads, FileRecord f, String baseUrl) {
        if (f.isFolder()) {
            throw ApiException.invalid("a folder cannot be downloaded");
        }
        if (f.pinnedUrl() != null) {
            return new DownloadInfo(
                    new DownloadInfo.Checksums(f.pinnedSha1()),
                    f.pinnedFsize() == null ? 0 : f.pinnedFsize(),
                    f.pinnedUrl());
        }
        if (f.online() || f.blobKey() == null) {
            throw new ApiException(ErrorCode.ONLINE_FILE_TYPE, "online documents have no bytes to download");
        }
        BlobRecord b = blobs.find(reads, f.blobKey())
                .orElseThrow(() -> new IllegalStateException("blob row missing for " + f.fileId()));
        String url = responder
                .directUrl(b.key(), f.name(), ContentTypes.of(f.name()), Duration.ofSeconds(ttlSeconds))
                .orElseGet(() -> url(baseUrl, f.fileId(), f.blobKey(), f.name()));
        return new DownloadInfo(new DownloadInfo.Checksums(b.sha1()), b.size(), url);
    }

    /** The download answer for given bytes of a file (an older version's): a fresh temporary URL bound to them. */
    public DownloadInfo answer(String fileId, String blobKey, String name, String baseUrl) {
        BlobRecord b =
                blobs.find(blobKey).orElseThrow(() -> new IllegalStateException("blob row missing for " + fileId));
        return new DownloadInfo(new DownloadInfo.Checksums(b.sha1()), b.size(), url(baseUrl, fileId, blobKey, name));
    }

    /** A fresh temporary URL for these bytes of this file. */
    public String url(String baseUrl, String fileId, String blobKey, String name) {
        String ticket = tickets.mint(fileId, blobKey, clock.epochSeconds() + ttlSeconds);
        return baseUrl + "/dl/" + ticket + "/" + BlobResponder.pathSegment(name);
    }

    /** A fresh temporary URL valid {@code ttl} for bytes owned by a {@link #source} (id starting with its prefix). */
    public String url(String baseUrl, String id, String blobKey, String name, Duration ttl) {
        String ticket = tickets.mint(id, blobKey, clock.epochSeconds() + ttl.toSeconds());
        return baseUrl + "/dl/" + ticket + "/" + BlobResponder.pathSegment(name);
    }

    /**
     * The bytes a download URL of this server stands for ({@code <base>/dl/<ticket>/<name>}), when its ticket verifies,
     * has not expired and names a live file's content: conversions read such a URL from the store instead of fetching
     * it (docs/api-families.md §F3.2).
     */
    public Optional<BlobRecord> resolve(String baseUrl, String url) {
        String prefix = baseUrl + "/dl/";
        if (url == null || !url.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = url.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        Optional<DownloadTickets.Ticket> t = tickets.verify(rest.substring(0, slash));
        if (t.isEmpty() || clock.epochSeconds() >= t.get().expiresAt()) {
            return Optional.empty();
        }
        Optional<FileRecord> f = files.find(t.get().fileId());
        if (f.isEmpty() || !f.get().live()) {
            return Optional.empty();
        }
        return blobs.find(t.get().blobKey());
    }

    /** Serves tickets whose id starts with {@code prefix} (never a file token's shape) from {@code source}. */
    public void source(String prefix, Source source) {
        sources.put(prefix, source);
    }

    @Override
    public void routes(Routes router) {
        router.open(Method.GET, "/dl/:ticket/:name", this::serve);
        router.open(Method.HEAD, "/dl/:ticket/:name", this::serve);
        router.open(Method.OPTIONS, "/dl/:ticket/:name", DownloadService::preflight);
        for (Method m : new Method[] {Method.POST, Method.PUT, Method.DELETE, Method.PATCH}) {
            router.open(m, "/dl/:ticket/:name", DownloadService::notAllowed);
        }
    }

    private void serve(Call c) {
        DownloadTickets.Ticket t =
                tickets.verify(c.param("ticket")).orElseThrow(() -> ApiException.denied("download url invalid"));
        long now = clock.epochSeconds();
        if (now >= t.expiresAt()) {
            throw ApiException.denied("download url expired");
        }
        for (var e : sources.entrySet()) {
            if (t.fileId().startsWith(e.getKey())) {
                String name = e.getValue()
                        .name(t.fileId(), t.blobKey())
                        .orElseThrow(() -> new ApiException(ErrorCode.FILE_NOT_EXISTS, "output no longer kept"));
                BlobRecord b = blobs.find(t.blobKey())
                        .orElseThrow(() -> new ApiException(ErrorCode.FILE_NOT_EXISTS, "content gone"));
                responder.serve(
                        c.request(),
                        c.response(),
                        new BlobResponder.Body(
                                b.key(),
                                b.size(),
                                b.sha1(),
                                b.createdAt(),
                                name,
                                ContentTypes.of(name),
                                "private, max-age=" + Math.max(0, t.expiresAt() - now),
                                false));
                return;
            }
        }
        Optional<FileRecord> f = files.find(t.fileId());
        if (f.isEmpty() || !f.get().live()) {
            throw new ApiException(ErrorCode.FILE_NOT_EXISTS, "file was deleted");
        }
        BlobRecord b =
                blobs.find(t.blobKey()).orElseThrow(() -> new ApiException(ErrorCode.FILE_NOT_EXISTS, "content gone"));
        FileRecord file = f.get();
        responder.serve(
                c.request(),
                c.response(),
                new BlobResponder.Body(
                        b.key(),
                        b.size(),
                        b.sha1(),
                        b.createdAt(),
                        file.name(),
                        ContentTypes.of(file.name()),
                        "private, max-age=" + Math.max(0, t.expiresAt() - now),
                        false));
    }

    private static void preflight(Call c) {
        c.response().header("Access-Control-Allow-Origin", "*");
        c.response().header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
        c.response().header("Access-Control-Allow-Headers", "Range, If-None-Match, If-Range, If-Modified-Since");
        c.response().header("Access-Control-Max-Age", "600");
        c.response().status(204).send();
    }

    private static void notAllowed(Call c) {
        c.methodNotAllowed("GET, HEAD");
    }
}
