package io.yundoc.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLConnection;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The yundoc / KDocs Open Platform client. Immutable and thread-safe: build one per app (and user) and share it.
 *
 * <pre>{@code
 * try (YundocClient client = YundocClient.builder()
 *         .baseUrl("http://127.0.0.1:8080")
 *         .appId("SX20220101ABCDEF").appKey("...")
 *         .tokenStore(new FileTokenStore(Path.of("tokens.json")))
 *         .build()) {
 *     FileItem item = client.personal().upload(Path.of("report.pdf"), Placement.appFolder());
 *     client.download(item.id().openId(), Path.of("copy.pdf"));
 * }
 * }</pre>
 *
 * <p>Calls are grouped like the API: {@link #personal()}, {@link #user()}, {@link #appSpace()} and {@link #oauth()}.
 * Errors from the server are {@link YundocException}; network and local failures are {@link YundocClientException}.
 * Redirects are never followed.
 */
public final class YundocClient implements AutoCloseable {
    private final Transport transport;
    private final HttpClient http;
    private final OAuth oauth;
    private final PersonalFiles personal;
    private final UserApi user;
    private final Sheets sheets;
    private final AppSpace appSpace;
    private final AnonymousPreview anonymousPreview;
    private final Tables tables;
    private final Office office;
    private final String baseUrl;

    private YundocClient(Builder b) {
        this.baseUrl = b.baseUrl;
        this.http = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        Wps2RequestSigner signer =
                b.appId != null && b.appKey != null ? new Wps2RequestSigner(b.appId, b.appKey, b.clock) : null;
        this.transport =
                new Transport(http, b.baseUrl, b.requestTimeout, b.maxRetries, b.maxBackoff, signer, b.userAgent);
        TokenStore store = b.tokenStore != null ? b.tokenStore : new InMemoryTokenStore();
        this.oauth = new OAuth(transport, b.baseUrl, b.appId, b.appKey, store, b.clock);
        transport.oauth = oauth;
        Downloader downloader = new Downloader(transport);
        this.personal = new PersonalFiles(transport, downloader);
        this.user = new UserApi(transport);
        this.sheets = new Sheets(transport);
        this.appSpace = new AppSpace(transport, downloader);
        this.anonymousPreview = new AnonymousPreview(transport);
        this.tables = new Tables(transport);
        this.office = new Office(transport);
    }

    /** A builder; {@link Builder#baseUrl} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URL calls go to. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Personal files of the user whose tokens the {@link TokenStore} holds. */
    public PersonalFiles personal() {
        return personal;
    }

    /** The user's profile and edit tokens. */
    public UserApi user() {
        return user;
    }

    /** Spreadsheets: et workbooks, ksheet grid sheets and data tables (docs/api-families.md §F1). */
    public Sheets sheets() {
        return sheets;
    }

    /** The app's own space, signed with WPS-2 (needs appId and appKey). */
    public AppSpace appSpace() {
        return appSpace;
    }

    /** Anonymous preview pages of documents, signed with WPS-2 (docs/api-families.md §F4). */
    public AnonymousPreview anonymousPreview() {
        return anonymousPreview;
    }

    /** Light tables ({@code .dbt}) and their webhooks, with the user's access token. */
    public Tables tables() {
        return tables;
    }

    /** Conversion and extraction of Office documents and PDFs, signed with WPS-2 (docs/api-families.md §F3). */
    public Office office() {
        return office;
    }

    /** The OAuth helper: authorize URL, code exchange, refresh. */
    public OAuth oauth() {
        return oauth;
    }

    /** Shorthand for {@link PersonalFiles#download(String, Path)}: a verified, resumable download. */
    public Models.DownloadResult download(String fileToken, Path target) {
        return personal.download(fileToken, target);
    }

    /**
     * Releases the HTTP client's connections. On Java 21 and newer {@link HttpClient} is {@link AutoCloseable} and
     * is closed; on 17 to 20 it has no close and frees its resources once unreachable.
     */
    @Override
    public void close() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new YundocClientException("closing the HTTP client failed", e);
            }
        }
    }

    static ObjectNode object() {
        return Transport.JSON.createObjectNode();
    }

    static byte[] bytes(ObjectNode n) {
        try {
            return Transport.JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String contentType(String name) {
        String t = URLConnection.guessContentTypeFromName(name);
        return t == null ? "application/octet-stream" : t;
    }

    /** Configures a {@link YundocClient}. Not thread-safe; the client it builds is. */
    public static final class Builder {
        private String baseUrl;
        private String appId;
        private String appKey;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private int maxRetries = 3;
        private Duration maxBackoff = Duration.ofSeconds(20);
        private TokenStore tokenStore;
        private Clock clock = Clock.systemUTC();
        private String userAgent = "yundoc-java/0.1.0";

        private Builder() {}

        /**
         * The server's base URL.
         *
         * @param v e.g. {@code http://127.0.0.1:8080} or {@code https://docs.example.com/prefix} (required)
         */
        public Builder baseUrl(String v) {
            URI u = URI.create(Objects.requireNonNull(v, "baseUrl"));
            if (u.getScheme() == null
                    || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL");
            }
            baseUrl = v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
            return this;
        }

        /**
         * The app id.
         *
         * @param v the app id (OAuth and app space)
         */
        public Builder appId(String v) {
            appId = v;
            return this;
        }

        /**
         * The app key.
         *
         * @param v the app key (OAuth and app space); never logged
         */
        public Builder appKey(String v) {
            appKey = v;
            return this;
        }

        /**
         * The connect timeout.
         *
         * @param v TCP connect timeout (default 10 s)
         */
        public Builder connectTimeout(Duration v) {
            connectTimeout = Objects.requireNonNull(v);
            return this;
        }

        /**
         * The response timeout.
         *
         * @param v time until the response headers arrive, per attempt (default 60 s)
         */
        public Builder requestTimeout(Duration v) {
            requestTimeout = Objects.requireNonNull(v);
            return this;
        }

        /**
         * How often a failed call is retried.
         *
         * @param v retries after the first attempt (default 3): on 30002/30010/40008 (honouring Retry-After), on
         *          30004/10002 and network errors for idempotent calls, and on refused connections for every call
         */
        public Builder maxRetries(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0");
            }
            maxRetries = v;
            return this;
        }

        /**
         * The longest wait between attempts.
         *
         * @param v the longest single wait (default 20 s); a longer Retry-After fails at once instead
         */
        public Builder maxBackoff(Duration v) {
            maxBackoff = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Where the user's tokens live.
         *
         * @param v where the user's tokens live (default: in memory)
         */
        public Builder tokenStore(TokenStore v) {
            tokenStore = v;
            return this;
        }

        /**
         * A fixed access token instead of a token store.
         *
         * @param v a fixed access token (e.g. from {@code POST /admin/v1/tokens}); no refresh possible
         */
        public Builder accessToken(String v) {
            tokenStore = new InMemoryTokenStore(Tokens.ofAccessToken(v));
            return this;
        }

        /**
         * The clock.
         *
         * @param v the clock for WPS-2 {@code Date} headers and token expiry (default: system UTC)
         */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        /**
         * The User-Agent.
         *
         * @param v the {@code User-Agent} header
         */
        public Builder userAgent(String v) {
            userAgent = Objects.requireNonNull(v);
            return this;
        }

        /** The client. */
        public YundocClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            return new YundocClient(this);
        }
    }
}
