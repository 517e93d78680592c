package io.yundoc.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.wire.Envelope;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.CallNotes;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Memo;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.ReadCache;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

/** One API request on its way through the pipeline: who called, what they sent, and how to answer. */
public final class Call {
    private final Endpoint endpoint;
    private final String requestId;
    private final long started = System.nanoTime();
    private final ServerRequest req;
    private final ServerResponse res;
    /** The route's path parameters: names in path order, and this request's values. */
    private final String[] parameterNames;

    private final String[] parameterValues;
    private final Supplier<String> baseUrlSource;
    private String baseUrl;
    final Map<String, String> headers = new LinkedHashMap<>();
    Principal principal;
    AppRecord app;
    Wps2Authenticator.Verified signature;
    /** What this call reads from the row cache under (see {@link ReadCache.Reads}); set by authentication. */
    ReadCache.Reads reads;

    byte[] body;
    private boolean finished;

    private final Supplier<String> clientAddress;

    private static final Header JSON =
            HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");

    /** Header names by spelling: our handlers use a few dozen, and building one from a string costs a lookup and a copy. */
    private static final Memo<String, HeaderName> NAMES = new Memo<>(256, HeaderNames::create);

    Call(
            Endpoint endpoint,
            String requestId,
            ServerRequest req,
            ServerResponse res,
            String[] parameterNames,
            String[] parameterValues,
            Supplier<String> baseUrl,
            Supplier<String> clientAddress,
            ReadCache.Reads reads) {
        this.endpoint = endpoint;
        this.parameterNames = parameterNames;
        this.parameterValues = parameterValues;
        this.requestId = requestId;
        this.reads = reads;
        this.req = req;
        this.res = res;
        this.baseUrlSource = baseUrl;
        this.clientAddress = clientAddress;
    }

    /** The route this call came in by. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The request id (X-Request-Id as sent, or a new one), named in logs and in 30004 hints. */
    public String requestId() {
        return requestId;
    }

    /**
     * This call's row-cache reads: stores given it may serve rows cached under the generation the call checked
     * (scale-out); without it they read the database there.
     */
    public ReadCache.Reads reads() {
        return reads;
    }

    /** Records the call in the request metrics, once. */
    void finish(Metrics metrics, int code) {
        if (!finished) {
            finished = true;
            metrics.request(
                    endpoint.method(), endpoint.template(), code, res.status().code(), System.nanoTime() - started);
            // the dev-mode request journal's view of this call (present only while the journal records)
            CallNotes.of(req).ifPresent(n -> n.answered(code, body));
        }
    }

    /** 405 with the methods the resource allows (RFC 9110 §15.5.6) and no body. */
    public void methodNotAllowed(String allow) {
        res.header("Allow", allow);
        res.status(405).send();
    }

    /** The client's address: the peer, or what a trusted proxy (--trusted-proxies) says the client was. */
    public String clientAddress() {
        return clientAddress.get();
    }

    public ServerRequest request() {
        return req;
    }

    public ServerResponse response() {
        return res;
    }

    /** The public base URL for links and download URLs (worked out on first use: most calls need none). */
    public String baseUrl() {
        if (baseUrl == null) {
            baseUrl = baseUrlSource.get();
        }
        return baseUrl;
    }

    /** The access token's principal (access-token routes only). */
    public Principal principal() {
        return principal;
    }

    /** The signing app (WPS-2 routes), or the token's app. */
    public AppRecord app() {
        return app;
    }

    public Wps2Authenticator.Verified signature() {
        return signature;
    }

    /** A path parameter, as decoded from the path; a name the route does not have is a programming error. */
    public String param(String name) {
        for (int i = 0; i < parameterNames.length; i++) {
            if (parameterNames[i].equals(name)) {
                return parameterValues[i];
            }
        }
        throw new NoSuchElementException("route " + endpoint.template() + " has no parameter " + name);
    }

    /** A file id from the path; malformed ids answer 30012 like unknown ones (api.md §1.3). */
    public String fileId(String name) {
        String v = param(name);
        if (!Ids.accepted(v)) {
            throw ApiException.notFound();
        }
        return v;
    }

    public Optional<String> query(String name) {
        return req.query().first(name).asOptional();
    }

    /** Repeated keys and comma-separated values alike; empty segments dropped. */
    public List<String> queryList(String name) {
        if (!req.query().contains(name)) {
            return List.of();
        }
        return req.query().all(name).stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    public Optional<String> header(String name) {
        return req.headers().first(headerName(name));
    }

    /** The raw body (≤ 1 MiB), read once. */
    public byte[] body() {
        if (body == null) {
            body = req.content().hasEntity() ? Json.readLimited(req.content().inputStream()) : new byte[0];
        }
        return body;
    }

    public InputStream bodyStream() {
        return req.content().inputStream();
    }

    /** The body as a JSON object, whatever Content-Type says (api.md §1.3). */
    public ObjectNode json(boolean required) {
        return Json.parseObject(body(), required);
    }

    public void header(String name, String value) {
        headers.put(name, value);
    }

    /** {@code {"code":0,"data":data}}. */
    public void ok(Object data) {
        send(200, Json.write(Envelope.Ok.of(data)));
    }

    /** An answer already rendered as {@code {"code":0,"data":...}} (see {@link #ok}). */
    public void okRendered(byte[] envelopeJson) {
        send(200, envelopeJson);
    }

    /** {@code {"code":0,"result":"ok","data":data}}. */
    public void okResult(Object data) {
        send(200, Json.write(Envelope.OkResult.of(data)));
    }

    /** {@code {"code":0}}. */
    public void okNoData() {
        send(200, Json.write(new Envelope.Ok(0, null)));
    }

    void send(int status, byte[] json) {
        CallNotes.of(req).ifPresent(n -> {
            n.caller(
                    principal != null ? principal.appId() : app != null ? app.appId() : null,
                    principal != null ? principal.userId() : null);
            n.responseBody(json);
        });
        // cached headers are stored as they are; a plain one is wrapped in a copy by Helidon, one more type behind its
        // header-writing call sites (docs/benchmarks.md, thirteenth session)
        headers.forEach((name, value) -> res.header(HeaderValues.createCached(headerName(name), value)));
        res.status(status);
        res.header(JSON);
        res.send(json);
    }

    static HeaderName headerName(String name) {
        return NAMES.get(name);
    }
}
