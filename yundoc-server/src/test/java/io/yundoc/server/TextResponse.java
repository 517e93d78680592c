package io.yundoc.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A byte response read as UTF-8 text, for {@link TestServer#json} and the assertions on String responses. */
public record TextResponse(HttpResponse<byte[]> r) implements HttpResponse<String> {
    @Override
    public int statusCode() {
        return r.statusCode();
    }

    @Override
    public HttpRequest request() {
        return r.request();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
        return r.headers();
    }

    @Override
    public String body() {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return r.sslSession();
    }

    @Override
    public URI uri() {
        return r.uri();
    }

    @Override
    public HttpClient.Version version() {
        return r.version();
    }
}
