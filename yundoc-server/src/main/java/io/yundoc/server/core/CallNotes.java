package io.yundoc.server.core;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * What the request pipeline learned about one call (caller, KDocs code, the bodies it read and wrote), for the
 * dev-mode request journal ({@code inspect.JournalFilter}). The filter puts one into the request's context only
 * while the journal is on; the pipeline fills it when it finds one, so outside dev mode this costs one lookup.
 */
public final class CallNotes {
    private volatile String appId;
    private volatile String userId;
    private volatile Integer code;
    private volatile byte[] requestBody;
    private volatile byte[] responseBody;

    /** The notes of this request, when the journal records it. */
    public static Optional<CallNotes> of(ServerRequest req) {
        return req.context().get(CallNotes.class);
    }

    /** Who called: the token's or the signature's app, the token's (or browser session's) user. */
    public void caller(String appId, String userId) {
        if (appId != null) {
            this.appId = appId;
        }
        if (userId != null) {
            this.userId = userId;
        }
    }

    /** The KDocs code answered (0 on success), the body read by the pipeline (null when streamed or none). */
    public void answered(int code, byte[] requestBody) {
        this.code = code;
        if (requestBody != null) {
            this.requestBody = requestBody;
        }
    }

    /** The JSON body sent. */
    public void responseBody(byte[] body) {
        this.responseBody = body;
    }

    public String appId() {
        return appId;
    }

    public String userId() {
        return userId;
    }

    public Integer code() {
        return code;
    }

    public byte[] requestBody() {
        return requestBody;
    }

    public byte[] responseBody() {
        return responseBody;
    }
}
