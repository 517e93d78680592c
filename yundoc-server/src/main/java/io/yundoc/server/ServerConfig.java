package io.yundoc.server;

import io.yundoc.server.core.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * Everything the server is started with (design.md "Running it"). Built with {@link #builder()}; the CLI fills it
 * from flags, environment and YAML.
 */
public record ServerConfig(
        int port,
        String bind,
        Path dataDir,
        String publicUrl,
        String db,
        String blobs,
        String quota,
        ZoneId quotaTz,
        String adminToken,
        boolean adminIssueTokens,
        boolean dev,
        Long seed,
        boolean demo,
        Path fixtures,
        Duration downloadTtl,
        long maxUpload,
        Duration wps2Window,
        boolean wps2ReplayCache,
        Duration sessionTtl,
        int loginMaxFailures,
        Duration loginLockout,
        List<String> cloudAllow,
        Duration cloudTimeout,
        int cloudConcurrency,
        boolean blobsPresign,
        QuotaFailure quotaFailure,
        String trustedProxies,
        Duration recycleRetention,
        boolean rowCache,
        Duration drainTimeout,
        Duration headerTimeout,
        Duration bodyIdleTimeout,
        long minFreeSpace,
        RefreshRotation refreshRotation,
        Duration extractTimeout,
        long extractHeap,
        Duration loginMaxDelay,
        Duration webhookClaimLease,
        Duration warmUp,
        int passwordHashCost,
        Office office) {
    /**
     * The warm-up of {@code yundoc serve} unless told otherwise (issue 19: on two cores it took the first 10 s of
     * load's p99 from 22–28 ms to 13–20 ms for about 0.7 s more start-up; docs/benchmarks.md). The builder's default,
     * the JUnit extension's and the container's are none.
     */
    public static final Duration DEFAULT_WARM_UP = Duration.ofMillis(300);

    /** {@link #DEFAULT_WARM_UP} as {@code serve --warm-up} spells it. */
    public static final String DEFAULT_WARM_UP_FLAG = "300ms";

    /** bcrypt's cost for stored passwords (2^10 rounds, about 0.1 s per hash on a small server core). */
    public static final int DEFAULT_PASSWORD_HASH_COST = 10;

    /**
     * The office engine (docs/api-families.md §F3, design.md "Running it"): {@code home} names the LibreOffice
     * installation ({@code --office-home}; null: found on the PATH), {@code processes} long-lived office processes,
     * each task at most {@code taskTimeout}, a process restarted after {@code maxTasksPerProcess} tasks, inputs at most
     * {@code maxInput} bytes; a zip package (docx, xlsx, odt…) inflating to more than {@code maxInflated} bytes or
     * holding more than {@code maxZipEntries} entries fails its task before the engine sees it (zip bombs).
     */
    public record Office(
            String home,
            int processes,
            Duration taskTimeout,
            int maxTasksPerProcess,
            long maxInput,
            long maxInflated,
            int maxZipEntries) {
        public static final long DEFAULT_MAX_INFLATED = 1L << 30;
        public static final int DEFAULT_MAX_ZIP_ENTRIES = 10_000;

        /** With the default zip-package limits. */
        public Office(String home, int processes, Duration taskTimeout, int maxTasksPerProcess, long maxInput) {
            this(
                    home,
                    processes,
                    taskTimeout,
                    maxTasksPerProcess,
                    maxInput,
                    DEFAULT_MAX_INFLATED,
                    DEFAULT_MAX_ZIP_ENTRIES);
        }

        public static Office defaults() {
            return new Office(null, 1, Duration.ofMinutes(2), 200, 100L << 20);
        }
    }

    /** What a refresh does with the refresh token it was given (docs: OAuth refresh). */
    public enum RefreshRotation {
        /** The same refresh token comes back and stays valid to its own expiry (KDocs clients keep the first one). */
        KEEP,
        /** A new refresh token each time; presenting a used one revokes the whole chain. */
        ROTATE
    }

    /** {@code --quota-failure}: what metered calls do while Redis is down (README "Scale-out"). */
    public enum QuotaFailure {
        /** Each instance counts locally and adds its counts into Redis when it is back. */
        OPEN,
        /** Every metered call fails with 30004. */
        CLOSED;

        /** The flag's spelling ({@code open}, {@code closed}); null for anything else. */
        public static QuotaFailure parse(String flag) {
            for (QuotaFailure f : values()) {
                if (f.name().toLowerCase(Locale.ROOT).equals(flag)) {
                    return f;
                }
            }
            return null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .port(port)
                .bind(bind)
                .dataDir(dataDir)
                .publicUrl(publicUrl)
                .db(db)
                .blobs(blobs)
                .quota(quota)
                .quotaTz(quotaTz)
                .adminToken(adminToken)
                .adminIssueTokens(adminIssueTokens)
                .dev(dev)
                .seed(seed)
                .demo(demo)
                .fixtures(fixtures)
                .downloadTtl(downloadTtl)
                .maxUpload(maxUpload)
                .wps2Window(wps2Window)
                .wps2ReplayCache(wps2ReplayCache)
                .sessionTtl(sessionTtl)
                .loginMaxFailures(loginMaxFailures)
                .loginLockout(loginLockout)
                .cloudAllow(cloudAllow)
                .cloudTimeout(cloudTimeout)
                .cloudConcurrency(cloudConcurrency)
                .blobsPresign(blobsPresign)
                .quotaFailure(quotaFailure)
                .trustedProxies(trustedProxies)
                .recycleRetention(recycleRetention)
                .rowCache(rowCache)
                .drainTimeout(drainTimeout)
                .headerTimeout(headerTimeout)
                .bodyIdleTimeout(bodyIdleTimeout)
                .minFreeSpace(minFreeSpace)
                .refreshRotation(refreshRotation)
                .extractTimeout(extractTimeout)
                .extractHeap(extractHeap)
                .loginMaxDelay(loginMaxDelay)
                .webhookClaimLease(webhookClaimLease)
                .warmUp(warmUp)
                .passwordHashCost(passwordHashCost)
                .office(office);
    }

    /** True when any shared backend is configured: several instances may run on this configuration. */
    public boolean scaleOut() {
        return !embeddedDatabase() || blobs != null || quota != null;
    }

    /** True for SQLite (the default, or a jdbc:sqlite: URL): one server process owns the database. */
    public boolean embeddedDatabase() {
        return db == null || !db.startsWith("jdbc:postgresql:");
    }

    /** A URL without its credentials ({@code password=}, {@code secret_key=}, {@code user:pass@}): for messages and logs. */
    public static String withoutSecrets(String url) {
        return url.replaceAll("(?i)((password|secret_key|access_key)=)[^&]*", "$1***")
                .replaceAll("//[^/@]*@", "//***@");
    }

    public static final class Builder {
        private int port = 8080;
        private String bind = "127.0.0.1";
        private Path dataDir = Path.of("yundoc-data");
        private String publicUrl;
        private String db;
        private String blobs;
        private String quota;
        private ZoneId quotaTz = ZoneId.of("Asia/Shanghai");
        private String adminToken;
        private boolean adminIssueTokens = true;
        private boolean dev;
        private Long seed;
        private boolean demo;
        private Path fixtures;
        private Duration downloadTtl = Duration.ofMinutes(15);
        private long maxUpload = 1L << 30;
        private Duration wps2Window = Duration.ofMinutes(15);
        private boolean wps2ReplayCache = true;
        private Duration sessionTtl = Duration.ofHours(12);
        /** Failed logins per account, address or pair before delays start (typos cost nothing). */
        private int loginMaxFailures = 3;
        /** How long failed logins are remembered after the last one (the name predates delays: there is no lock-out). */
        private Duration loginLockout = Duration.ofMinutes(15);

        private List<String> cloudAllow = List.of();
        private Duration cloudTimeout = Duration.ofMinutes(2);
        private int cloudConcurrency = 5;
        private boolean blobsPresign;
        private QuotaFailure quotaFailure = QuotaFailure.OPEN;
        private String trustedProxies;
        private Duration recycleRetention;
        private boolean rowCache = true;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration bodyIdleTimeout = Duration.ofSeconds(30);
        private long minFreeSpace = 1L << 30;
        private RefreshRotation refreshRotation = RefreshRotation.KEEP;
        private Duration extractTimeout = Duration.ofSeconds(30);
        private long extractHeap = 256L << 20;
        private Office office = Office.defaults();
        private Duration loginMaxDelay = Duration.ofSeconds(25);
        private Duration webhookClaimLease = Duration.ofSeconds(60);
        private Duration warmUp = Duration.ZERO;
        private int passwordHashCost = DEFAULT_PASSWORD_HASH_COST;

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder bind(String v) {
            bind = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder publicUrl(String v) {
            publicUrl = v;
            return this;
        }

        public Builder db(String v) {
            db = v;
            return this;
        }

        public Builder blobs(String v) {
            blobs = v;
            return this;
        }

        public Builder quota(String v) {
            quota = v;
            return this;
        }

        public Builder quotaTz(ZoneId v) {
            quotaTz = v;
            return this;
        }

        public Builder adminToken(String v) {
            adminToken = v;
            return this;
        }

        public Builder adminIssueTokens(boolean v) {
            adminIssueTokens = v;
            return this;
        }

        public Builder dev(boolean v) {
            dev = v;
            return this;
        }

        public Builder seed(Long v) {
            seed = v;
            return this;
        }

        public Builder demo(boolean v) {
            demo = v;
            return this;
        }

        public Builder fixtures(Path v) {
            fixtures = v;
            return this;
        }

        public Builder downloadTtl(Duration v) {
            downloadTtl = v;
            return this;
        }

        public Builder maxUpload(long v) {
            maxUpload = v;
            return this;
        }

        public Builder wps2Window(Duration v) {
            wps2Window = v;
            return this;
        }

        public Builder wps2ReplayCache(boolean v) {
            wps2ReplayCache = v;
            return this;
        }

        public Builder sessionTtl(Duration v) {
            sessionTtl = v;
            return this;
        }

        public Builder loginMaxFailures(int v) {
            loginMaxFailures = v;
            return this;
        }

        public Builder loginLockout(Duration v) {
            loginLockout = v;
            return this;
        }
        /** Hosts and CIDRs that URL import may reach despite the SSRF guard (test fixtures). */
        public Builder cloudAllow(List<String> v) {
            cloudAllow = v == null ? List.of() : List.copyOf(v);
            return this;
        }

        public Builder cloudTimeout(Duration v) {
            cloudTimeout = v;
            return this;
        }

        public Builder cloudConcurrency(int v) {
            cloudConcurrency = v;
            return this;
        }

        public Builder blobsPresign(boolean v) {
            blobsPresign = v;
            return this;
        }

        public Builder quotaFailure(QuotaFailure v) {
            quotaFailure = v;
            return this;
        }
        /** The flag's text; a value other than {@code open} or {@code closed} fails {@link #build()}. */
        public Builder quotaFailure(String flag) {
            quotaFailure = QuotaFailure.parse(flag);
            return this;
        }

        public Builder trustedProxies(String v) {
            trustedProxies = v;
            return this;
        }
        /** Automatic purge of recycle-bin items older than this; null = off (the default). */
        public Builder recycleRetention(Duration v) {
            recycleRetention = v;
            return this;
        }
        /**
         * Keep the rows calls read in memory (default on): embedded, until the next write; scale-out with Redis, under
         * the generation the instances share there. Off: every call reads the database.
         */
        public Builder rowCache(boolean v) {
            rowCache = v;
            return this;
        }
        /** How long a stopping server waits for requests in flight before it closes its listener (0: not at all). */
        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }
        /** Longest a client may take to send a request's line and headers before its connection is closed. */
        public Builder headerTimeout(Duration v) {
            headerTimeout = v;
            return this;
        }
        /** Longest pause between two reads of a request body (or of an idle kept-alive connection) before closing. */
        public Builder bodyIdleTimeout(Duration v) {
            bodyIdleTimeout = v;
            return this;
        }
        /** Free space under the data dir below which /health warns. */
        public Builder minFreeSpace(long v) {
            minFreeSpace = v;
            return this;
        }

        public Builder refreshRotation(RefreshRotation v) {
            refreshRotation = v;
            return this;
        }
        /** Time budget of one file's text extraction (in the extractor process). */
        public Builder extractTimeout(Duration v) {
            extractTimeout = v;
            return this;
        }
        /** Heap cap of the text-extractor process. */
        public Builder extractHeap(long v) {
            extractHeap = v;
            return this;
        }
        /** The office engine's settings (--office-*). */
        public Builder office(Office v) {
            office = v;
            return this;
        }
        /** Cap of the delay a login waits after failed attempts for its account or client address. */
        public Builder loginMaxDelay(Duration v) {
            loginMaxDelay = v;
            return this;
        }
        /**
         * How long an instance holds a webhook delivery it claimed (docs/api-families.md §F2.7): another instance sends
         * it once the claim expires (the holder died). Keep it above one attempt (connect + answer, 10 s at most).
         */
        public Builder webhookClaimLease(Duration v) {
            webhookClaimLease = v;
            return this;
        }

        /**
         * {@code serve --warm-up}: for this long, drive the hot routes of a throw-away server in this JVM while this
         * one starts, so the first requests meet compiled code; {@code /health} answers 503 ({@code warm-up:
         * WARMING_UP}) until it is done. Zero (the default here): none.
         */
        public Builder warmUp(Duration v) {
            warmUp = v;
            return this;
        }

        /**
         * bcrypt's cost (log2 of its rounds) for the passwords the server stores, 4 to 31. Not a flag: the throw-away
         * server of a warm-up or training run uses 4, since its users are deleted with it and its start-up is timed.
         */
        public Builder passwordHashCost(int v) {
            passwordHashCost = v;
            return this;
        }

        public ServerConfig build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0-65535");
            }
            if (downloadTtl.compareTo(Duration.ofSeconds(60)) < 0 || downloadTtl.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("--download-ttl must be between 60s and 7d");
            }
            if (maxUpload < 1) {
                throw new IllegalArgumentException("--max-upload must be positive");
            }
            if (publicUrl != null && !publicUrl.isBlank() && !publicUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
                throw new IllegalArgumentException("--public-url must be an absolute http(s) URL");
            }
            if (cloudConcurrency < 1) {
                throw new IllegalArgumentException("--cloud-concurrency must be positive");
            }
            if (webhookClaimLease.compareTo(Duration.ofSeconds(1)) < 0
                    || webhookClaimLease.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("--webhook-claim-lease must be between 1s and 1h");
            }
            if (warmUp.isNegative() || warmUp.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("--warm-up must be between 0s and 1m");
            }
            if (passwordHashCost < 4 || passwordHashCost > 31) {
                throw new IllegalArgumentException("the password hash cost must be 4-31 (bcrypt)");
            }
            if (cloudTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--cloud-timeout must be at least 1s");
            }
            if (seed != null && !dev) {
                throw new IllegalArgumentException("--seed needs --dev");
            }
            if (fixtures != null && !dev) {
                throw new IllegalArgumentException("--fixtures needs --dev");
            }
            if (sessionTtl.compareTo(Duration.ofMinutes(1)) < 0 || sessionTtl.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("--session-ttl must be between 1m and 30d");
            }
            if (loginMaxFailures < 0 || loginMaxFailures > 1000) {
                throw new IllegalArgumentException("--login-max-failures must be between 0 and 1000");
            }
            if (loginLockout.isNegative() || loginLockout.isZero() || loginLockout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("--login-lockout must be between 1s and 1d");
            }
            if (blobs != null && blobs.isBlank()) {
                blobs = null;
            }
            if (quota != null && quota.isBlank()) {
                quota = null;
            }
            if (db != null && db.isBlank()) {
                db = null;
            }
            if (blobs != null && !blobs.startsWith("s3://")) {
                throw new IllegalArgumentException("--blobs must be an s3://bucket?endpoint=...&region=... URL");
            }
            if (quota != null && !quota.startsWith("redis://") && !quota.startsWith("rediss://")) {
                throw new IllegalArgumentException("--quota must be a redis://host:port URL");
            }
            if (db != null && !db.startsWith("jdbc:postgresql:") && !db.startsWith("jdbc:sqlite:")) {
                throw new IllegalArgumentException("--db must be a jdbc:postgresql:// (or jdbc:sqlite:) URL");
            }
            if (blobs != null && maxUpload > 5L * 1024 * 1024 * 1024) {
                throw new IllegalArgumentException(
                        "--max-upload above 5GiB needs multipart uploads, which the S3 blob store "
                                + "does not do: keep --max-upload at 5GiB or less with --blobs");
            }
            if (blobsPresign && blobs == null) {
                throw new IllegalArgumentException("--blobs-presign needs --blobs s3://...");
            }
            if (quotaFailure == null) {
                throw new IllegalArgumentException("--quota-failure must be open or closed");
            }
            TrustedProxies.parse(trustedProxies); // fails fast on a malformed list
            if (recycleRetention != null
                    && (recycleRetention.isNegative() || recycleRetention.compareTo(Duration.ofHours(1)) < 0)) {
                throw new IllegalArgumentException("--recycle-retention must be off or at least 1h");
            }
            if (drainTimeout == null
                    || drainTimeout.isNegative()
                    || drainTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("--drain-timeout must be between 0s and 10m");
            }
            if (headerTimeout == null || headerTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--header-timeout must be at least 1s");
            }
            if (bodyIdleTimeout == null || bodyIdleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--body-idle-timeout must be at least 1s");
            }
            if (minFreeSpace < 0) {
                throw new IllegalArgumentException("--min-free-space must not be negative");
            }
            if (refreshRotation == null) {
                throw new IllegalArgumentException("--refresh-rotation must be keep or rotate");
            }
            if (extractTimeout == null || extractTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--extract-timeout must be at least 1s");
            }
            if (extractHeap < (64L << 20)) {
                throw new IllegalArgumentException("--extract-heap must be at least 64MiB");
            }
            if (loginMaxDelay == null
                    || loginMaxDelay.isNegative()
                    || loginMaxDelay.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("--login-max-delay must be between 0s and 5m");
            }
            if (office == null || office.processes() < 1 || office.processes() > 16) {
                throw new IllegalArgumentException("--office-processes must be between 1 and 16");
            }
            if (office.taskTimeout() == null || office.taskTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("--office-task-timeout must be at least 1s");
            }
            if (office.maxTasksPerProcess() < 1) {
                throw new IllegalArgumentException("--office-max-tasks-per-process must be at least 1");
            }
            if (office.maxInput() < 1024) {
                throw new IllegalArgumentException("--office-max-input must be at least 1KiB");
            }
            if (office.maxInflated() < 1024) {
                throw new IllegalArgumentException("--office-max-inflated must be at least 1KiB");
            }
            if (office.maxZipEntries() < 1) {
                throw new IllegalArgumentException("--office-max-zip-entries must be at least 1");
            }
            return new ServerConfig(
                    port,
                    bind,
                    dataDir,
                    publicUrl,
                    db,
                    blobs,
                    quota,
                    quotaTz,
                    adminToken,
                    adminIssueTokens,
                    dev,
                    seed,
                    demo,
                    fixtures,
                    downloadTtl,
                    maxUpload,
                    wps2Window,
                    wps2ReplayCache,
                    sessionTtl,
                    loginMaxFailures,
                    loginLockout,
                    cloudAllow,
                    cloudTimeout,
                    cloudConcurrency,
                    blobsPresign,
                    quotaFailure,
                    trustedProxies,
                    recycleRetention,
                    rowCache,
                    drainTimeout,
                    headerTimeout,
                    bodyIdleTimeout,
                    minFreeSpace,
                    refreshRotation,
                    extractTimeout,
                    extractHeap,
                    loginMaxDelay,
                    webhookClaimLease,
                    warmUp,
                    passwordHashCost,
                    office);
        }
    }
}
