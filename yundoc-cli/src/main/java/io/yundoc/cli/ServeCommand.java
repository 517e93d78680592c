package io.yundoc.cli;

import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import io.yundoc.server.admin.DemoData;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code yundoc serve}: the server, on SQLite + local blobs in the data dir unless told otherwise. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the yundoc server.")
final class ServeCommand implements Callable<Integer> {
    /** Libraries whose start-up chatter hides the one line a newcomer needs; held so the levels stick. */
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("org.flywaydb"), Logger.getLogger("com.zaxxer.hikari"), Logger.getLogger("io.helidon"));

    @Option(names = "--port", defaultValue = "8080", description = "listening port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "bind address (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--data", defaultValue = "./yundoc-data", description = "data dir (default ${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--public-url",
            description = "public base URL for links and download URLs (default: from each request)")
    String publicUrl;

    @Option(names = "--config", description = "YAML file with any of these options")
    Path config;

    @Option(names = "--db", description = "jdbc:postgresql://... for scale-out (default: SQLite in the data dir)")
    String db;

    @Option(
            names = "--blobs",
            description = "s3://bucket?endpoint=...&region=... for scale-out (default: files in the data dir)")
    String blobs;
    // Boolean flags are arity 0..1 with fallbackValue "true": a bare flag means true even when YUNDOC_X or the YAML
    // file made the default true (picocli would otherwise set it to the opposite of that default), and --x=false works.
    @Option(
            names = "--blobs-presign",
            defaultValue = "false",
            arity = "0..1",
            fallbackValue = "true",
            description = "with --blobs: download url is a presigned GET on the S3 store instead of a yundoc URL")
    boolean blobsPresign;

    @Option(
            names = "--quota",
            description = "redis://host:port[?prefix=yundoc:] for scale-out (default: in process, persisted)")
    String quota;

    @Option(
            names = "--quota-failure",
            defaultValue = "open",
            description =
                    "Redis-down policy: open (count locally, reconcile) or closed (30004) (default ${DEFAULT-VALUE})")
    String quotaFailure;

    @Option(
            names = "--trusted-proxies",
            description = "CIDRs (comma-separated) whose Forwarded / X-Forwarded-* headers count")
    String trustedProxies;

    @Option(
            names = "--quota-tz",
            defaultValue = "Asia/Shanghai",
            description = "time zone of the quota day (default ${DEFAULT-VALUE})")
    String quotaTz;

    @Option(
            names = "--admin-issue-tokens",
            defaultValue = "true",
            arity = "1",
            description = "serve POST /admin/v1/tokens")
    boolean adminIssueTokens;

    @Option(
            names = "--dev",
            defaultValue = "false",
            arity = "0..1",
            fallbackValue = "true",
            description = "dev mode: movable clock, fixtures, --seed")
    boolean dev;

    @Option(names = "--seed", description = "dev only: deterministic ids")
    Long seed;

    @Option(
            names = "--demo",
            defaultValue = "false",
            arity = "0..1",
            fallbackValue = "true",
            description = "create and print a demo app, user, files and token")
    boolean demo;

    @Option(names = "--fixtures", description = "dev only: fixture file loaded at start")
    Path fixtures;

    @Option(
            names = "--download-ttl",
            defaultValue = "15m",
            converter = Units.DurationConverter.class,
            description = "lifetime of download URLs, 60s to 7d (default ${DEFAULT-VALUE})")
    Duration downloadTtl;

    @Option(
            names = "--max-upload",
            defaultValue = "1GiB",
            converter = Units.SizeConverter.class,
            description = "largest upload (default ${DEFAULT-VALUE})")
    long maxUpload;

    @Option(
            names = "--wps2-window",
            defaultValue = "15m",
            converter = Units.DurationConverter.class,
            description = "accepted WPS-2 Date skew (default ${DEFAULT-VALUE})")
    Duration wps2Window;
    /** The spelling of design.md's switches; picocli refuses anything else with the list of valid values. */
    enum OnOff {
        on,
        off
    }

    @Option(names = "--wps2-replay-cache", defaultValue = "on", description = "on|off (default ${DEFAULT-VALUE})")
    OnOff wps2ReplayCache;

    @Option(
            names = "--drain-timeout",
            defaultValue = "10s",
            converter = Units.DurationConverter.class,
            description =
                    "on stop, how long to let requests in flight finish before closing, 0s to 10m (default ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @Option(
            names = "--row-cache",
            defaultValue = "on",
            description =
                    "on|off: keep the rows calls read in memory (scale-out: needs --quota redis://) (default ${DEFAULT-VALUE})")
    OnOff rowCache;

    @Option(
            names = "--session-ttl",
            defaultValue = "12h",
            converter = Units.DurationConverter.class,
            description = "absolute lifetime of a browser session (default ${DEFAULT-VALUE})")
    Duration sessionTtl;
    // no lock-out any more (issue 13): the two old flags keep their names, so old configurations still start
    @Option(
            names = "--login-max-failures",
            defaultValue = "3",
            description = "failed logins per account or client address before delays start (default ${DEFAULT-VALUE})")
    int loginMaxFailures;

    @Option(
            names = "--login-lockout",
            defaultValue = "15m",
            converter = Units.DurationConverter.class,
            description = "how long failed logins are remembered after the last one; there is no lock-out, "
                    + "only delays up to --login-max-delay (default ${DEFAULT-VALUE})")
    Duration loginLockout;

    @Option(
            names = "--cloud-allow",
            split = ",",
            description = "hosts and CIDRs URL import may reach despite the SSRF guard")
    List<String> cloudAllow;

    @Option(
            names = "--cloud-timeout",
            defaultValue = "120s",
            converter = Units.DurationConverter.class,
            description = "total time of one URL import (default ${DEFAULT-VALUE})")
    Duration cloudTimeout;

    @Option(
            names = "--cloud-concurrency",
            defaultValue = "5",
            description = "URL imports per app at a time (default ${DEFAULT-VALUE})")
    int cloudConcurrency;

    /** Null when {@code off}: parsed and checked (at least 1h) with the other options, not compared as text. */
    @Option(
            names = "--recycle-retention",
            defaultValue = "off",
            converter = Units.RetentionConverter.class,
            description =
                    "automatic purge of recycle-bin items older than this, e.g. 30d, at least 1h (default ${DEFAULT-VALUE})")
    Duration recycleRetention;

    @Option(
            names = "--header-timeout",
            defaultValue = "10s",
            converter = Units.DurationConverter.class,
            description = "longest time to send a request line and headers (default ${DEFAULT-VALUE})")
    Duration headerTimeout;

    @Option(
            names = "--body-idle-timeout",
            defaultValue = "30s",
            converter = Units.DurationConverter.class,
            description =
                    "longest pause between bytes of a request body or on an idle connection (default ${DEFAULT-VALUE})")
    Duration bodyIdleTimeout;

    @Option(
            names = "--min-free-space",
            defaultValue = "1GiB",
            converter = Units.SizeConverter.class,
            description =
                    "/health warns when free space under the data dir falls below this (default ${DEFAULT-VALUE})")
    long minFreeSpace;

    @Option(
            names = "--refresh-rotation",
            defaultValue = "off",
            description =
                    "off (or keep): a refresh returns the same refresh token; rotate: a new one, reuse revokes the chain (default ${DEFAULT-VALUE})")
    Rotation refreshRotation;

    @Option(
            names = "--extract-timeout",
            defaultValue = "30s",
            converter = Units.DurationConverter.class,
            description = "time budget of one file's text extraction (default ${DEFAULT-VALUE})")
    Duration extractTimeout;

    @Option(
            names = "--extract-heap",
            defaultValue = "256MiB",
            converter = Units.SizeConverter.class,
            description = "heap cap of the text-extractor process (default ${DEFAULT-VALUE})")
    long extractHeap;

    @Option(names = "--office-home", description = "LibreOffice installation dir (default: soffice found on the PATH)")
    String officeHome;

    @Option(
            names = "--office-processes",
            defaultValue = "1",
            description = "long-lived office processes converting documents (default ${DEFAULT-VALUE})")
    int officeProcesses;

    @Option(
            names = "--office-task-timeout",
            defaultValue = "120s",
            converter = Units.DurationConverter.class,
            description =
                    "time limit of one conversion; the office process is killed and restarted past it (default ${DEFAULT-VALUE})")
    Duration officeTaskTimeout;

    @Option(
            names = "--office-max-tasks-per-process",
            defaultValue = "200",
            description = "an office process is restarted after this many conversions (default ${DEFAULT-VALUE})")
    int officeMaxTasks;

    @Option(
            names = "--office-max-input",
            defaultValue = "100MiB",
            converter = Units.SizeConverter.class,
            description =
                    "largest document accepted for conversion or extraction, else 30008 (default ${DEFAULT-VALUE})")
    long officeMaxInput;

    @Option(
            names = "--office-max-inflated",
            defaultValue = "1GiB",
            converter = Units.SizeConverter.class,
            description = "a zip-based document (docx, xlsx, pptx, odt…) inflating to more than this fails its"
                    + " conversion before the office engine opens it (default ${DEFAULT-VALUE})")
    long officeMaxInflated;

    @Option(
            names = "--office-max-zip-entries",
            defaultValue = "10000",
            description = "a zip-based document with more entries than this fails its conversion before the office"
                    + " engine opens it (default ${DEFAULT-VALUE})")
    int officeMaxZipEntries;

    @Option(
            names = "--login-max-delay",
            defaultValue = "25s",
            converter = Units.DurationConverter.class,
            description =
                    "cap of the delay after failed logins per account or client address (default ${DEFAULT-VALUE})")
    Duration loginMaxDelay;

    @Option(
            names = "--webhook-claim-lease",
            defaultValue = "60s",
            converter = Units.DurationConverter.class,
            description =
                    "how long an instance holds a webhook delivery it is sending; another sends it after (default ${DEFAULT-VALUE})")
    Duration webhookClaimLease;

    @Option(
            names = "--warm-up",
            defaultValue = ServerConfig.DEFAULT_WARM_UP_FLAG,
            converter = Units.DurationConverter.class,
            description = "drive a throw-away server's hot routes for this long while starting, so the first requests "
                    + "meet warm code; /health answers 503 until then; 0s: none (default ${DEFAULT-VALUE})")
    Duration warmUp;

    /** A URL without credentials (password=, secret_key=, user:pass@) for the start-up banner. */
    static String redact(String url) {
        return ServerConfig.withoutSecrets(url);
    }
    /**
     * Lower-case spelling on the command line; picocli refuses anything else with the list of valid values.
     * {@code off} is design.md's name for {@code keep} (no rotation); both are accepted.
     */
    enum Rotation {
        off,
        keep,
        rotate
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig cfg = ServerConfig.builder()
                .port(port)
                .bind(bind)
                .dataDir(data)
                .publicUrl(publicUrl)
                .db(db)
                .blobs(blobs)
                .blobsPresign(blobsPresign)
                .quota(quota)
                .quotaFailure(quotaFailure)
                .trustedProxies(trustedProxies)
                .quotaTz(ZoneId.of(quotaTz))
                .adminToken(System.getenv("YUNDOC_ADMIN_TOKEN"))
                .adminIssueTokens(adminIssueTokens)
                .dev(dev)
                .seed(seed)
                .demo(demo)
                .fixtures(fixtures)
                .downloadTtl(downloadTtl)
                .maxUpload(maxUpload)
                .wps2Window(wps2Window)
                .wps2ReplayCache(wps2ReplayCache == OnOff.on)
                .rowCache(rowCache == OnOff.on)
                .drainTimeout(drainTimeout)
                .sessionTtl(sessionTtl)
                .loginMaxFailures(loginMaxFailures)
                .loginLockout(loginLockout)
                .cloudAllow(cloudAllow)
                .cloudTimeout(cloudTimeout)
                .cloudConcurrency(cloudConcurrency)
                .recycleRetention(recycleRetention)
                .headerTimeout(headerTimeout)
                .bodyIdleTimeout(bodyIdleTimeout)
                .minFreeSpace(minFreeSpace)
                .refreshRotation(
                        refreshRotation == Rotation.rotate
                                ? ServerConfig.RefreshRotation.ROTATE
                                : ServerConfig.RefreshRotation.KEEP)
                .extractTimeout(extractTimeout)
                .extractHeap(extractHeap)
                .loginMaxDelay(loginMaxDelay)
                .webhookClaimLease(webhookClaimLease)
                .warmUp(warmUp)
                .office(new ServerConfig.Office(
                        officeHome,
                        officeProcesses,
                        officeTaskTimeout,
                        officeMaxTasks,
                        officeMaxInput,
                        officeMaxInflated,
                        officeMaxZipEntries))
                .build();
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        long started = System.nanoTime();
        YundocServer server = YundocServer.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "yundoc-shutdown"));
        System.out.println("yundoc listening on " + server.url());
        System.out.println(
                "  data:        " + data.toAbsolutePath().normalize() + (db == null ? " (SQLite + local blobs)" : ""));
        if (cfg.scaleOut()) {
            System.out.println("  scale-out:   db " + (db == null ? "SQLite" : redact(db)) + ", blobs "
                    + (blobs == null ? "local" : redact(blobs)) + ", quota "
                    + (quota == null
                            ? (db != null && db.startsWith("jdbc:postgresql:") ? "database" : "local")
                            : redact(quota)));
        }
        System.out.println("  admin token: "
                + (System.getenv("YUNDOC_ADMIN_TOKEN") != null
                        ? "from YUNDOC_ADMIN_TOKEN"
                        : data.resolve("admin.token").toAbsolutePath().normalize()
                                + "  (curl -H \"Authorization: Bearer $(cat " + data.resolve("admin.token") + ")\" "
                                + server.url() + "/admin/v1/apps)"));
        if (dev) {
            System.out.println("  dev mode:    emulator clock at " + server.url() + "/admin/v1/clock");
        }
        System.out.printf("  started in   %d ms%n", (System.nanoTime() - started) / 1_000_000);
        DemoData.Demo d = server.demo();
        if (d != null) {
            System.out.println();
            System.out.println("demo app:     app_id " + d.appId() + "  app_key " + d.appKey());
            System.out.println("demo user:    " + d.userName() + " (user_id " + d.userId() + ")"
                    + (d.userPassword() != null ? "  password " + d.userPassword() : ""));
            System.out.println("access token: " + d.token().accessToken() + "  (all scopes, 24 h)");
            for (String f : d.fileTokens()) {
                System.out.println("demo file:    " + f);
            }
            if (!d.fileTokens().isEmpty()) {
                System.out.println("try:          curl '" + server.url() + "/api/v1/openapi/personal/files/"
                        + d.fileTokens().get(0) + "/download?access_token="
                        + d.token().accessToken() + "'");
            }
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
