package io.yundoc.server.inspect;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.yundoc.server.core.CallNotes;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Records every call but the journal's own readers, the inspector, static assets and probes into the
 * {@link RequestJournal}. Registered only in dev mode. The pipeline tells it the caller, the KDocs code and the bodies
 * through {@link CallNotes} in the request's context; a streamed body (an upload, a download) is noted by size only.
 */
public final class JournalFilter implements Filter {
    private final RequestJournal journal;
    private final LongSupplier clockMillis;

    public JournalFilter(RequestJournal journal, LongSupplier clockMillis) {
        this.journal = journal;
        this.clockMillis = clockMillis;
    }

    /** Paths not journaled: reading the journal must not fill it, and page furniture is not an API call. */
    static boolean recorded(String path) {
        return !(path.startsWith("/admin/v1/requests")
                || path.equals("/inspect")
                || path.startsWith("/inspect/")
                || path.startsWith("/static/")
                || path.startsWith("/docs")
                || path.equals("/health")
                || path.equals("/metrics")
                || path.equals("/favicon.ico")
                || path.startsWith("/drive/assets/"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.prologue().uriPath().path();
        if (!recorded(path)) {
            chain.proceed();
            return;
        }
        CallNotes notes = new CallNotes();
        req.context().register(notes);
        long at = clockMillis.getAsLong();
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            long micros = (System.nanoTime() - started) / 1000;
            String[] headers = new String[req.headers().size() * 2];
            int i = 0;
            for (Header h : req.headers()) {
                if (i == headers.length) {
                    break; // not expected: size() counts names, as the iteration does
                }
                String value = h.valueCount() == 1 ? h.get() : h.values();
                headers[i++] = h.name();
                headers[i++] = RequestJournal.maskLowerCased(h.headerName().lowerCase(), value);
            }
            String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
            long requestBytes =
                    req.headers().contentLength().orElse(notes.requestBody() != null ? notes.requestBody().length : 0);
            String note =
                    notes.requestBody() == null && requestBytes > 0 ? "[" + requestBytes + " bytes, streamed]" : null;
            String responseType = res.headers().first(HeaderNames.CONTENT_TYPE).orElse(null);
            byte[] sent = notes.responseBody();
            long responseBytes =
                    sent != null ? sent.length : res.headers().contentLength().orElse(-1);
            journal.add(new RequestJournal.Entry(
                    0,
                    at,
                    req.prologue().method().text(),
                    path,
                    RequestJournal.maskQuery(req.prologue().query().rawValue()),
                    notes.appId(),
                    notes.userId(),
                    res.status().code(),
                    notes.code() != null && sent != null ? notes.code() : null,
                    micros,
                    new RequestJournal.HeaderPairs(i == headers.length ? headers : Arrays.copyOf(headers, i)),
                    journal.body(notes.requestBody(), contentType),
                    note,
                    requestBytes,
                    responseType,
                    journal.body(sent, responseType),
                    responseBytes));
        }
    }
}
