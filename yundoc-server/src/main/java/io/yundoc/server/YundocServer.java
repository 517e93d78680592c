package io.yundoc.server;

import com.zaxxer.hikari.HikariConfig;
import io.helidon.http.DirectHandler;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.yundoc.protocol.Hex;
import io.yundoc.protocol.Ids;
import io.yundoc.server.admin.AdminRoutes;
import io.yundoc.server.admin.AdminService;
import io.yundoc.server.admin.DemoData;
import io.yundoc.server.admin.FaultRoutes;
import io.yundoc.server.admin.FixtureLoader;
import io.yundoc.server.admin.KeyRotationRoutes;
import io.yundoc.server.api.Authentication;
import io.yundoc.server.api.Draining;
import io.yundoc.server.api.Endpoint;
import io.yundoc.server.api.EnvelopeDirectHandler;
import io.yundoc.server.api.Faults;
import io.yundoc.server.api.HeaderLimit;
import io.yundoc.server.api.Maintenance;
import io.yundoc.server.api.Pipeline;
import io.yundoc.server.api.RouteTable;
import io.yundoc.server.api.Routes;
import io.yundoc.server.appspace.AnonymousPreviewRoutes;
import io.yundoc.server.appspace.AnonymousPreviewService;
import io.yundoc.server.appspace.AppSpaceRoutes;
import io.yundoc.server.appspace.AppSpaceService;
import io.yundoc.server.appspace.AsyncUploadRoutes;
import io.yundoc.server.appspace.AsyncUploadService;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.DbReplayCache;
import io.yundoc.server.auth.EditTokenService;
import io.yundoc.server.auth.GrantService;
import io.yundoc.server.auth.LocalReplayCache;
import io.yundoc.server.auth.PasswordHasher;
import io.yundoc.server.auth.RedisReplayCache;
import io.yundoc.server.auth.ReplayCache;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.auth.Wps2Authenticator;
import io.yundoc.server.blob.BlobIndexStore;
import io.yundoc.server.blob.BlobResponder;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.blob.ContentTypes;
import io.yundoc.server.blob.DownloadTickets;
import io.yundoc.server.blob.LocalBlobStore;
import io.yundoc.server.blob.S3BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DataDir;
import io.yundoc.server.core.DataDirLock;
import io.yundoc.server.core.Database;
import io.yundoc.server.core.DiskSpace;
import io.yundoc.server.core.FatalErrors;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.ListenerWatchdog;
import io.yundoc.server.core.Metrics;
import io.yundoc.server.core.OutboundGuard;
import io.yundoc.server.core.PublicUrl;
import io.yundoc.server.core.RedisBackend;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.core.Settings;
import io.yundoc.server.core.SqliteTemplate;
import io.yundoc.server.core.TrustedProxies;
import io.yundoc.server.drive.WebDriveRoutes;
import io.yundoc.server.files.BlobCollector;
import io.yundoc.server.files.CloudImporter;
import io.yundoc.server.files.ContentIndex;
import io.yundoc.server.files.ContentStore;
import io.yundoc.server.files.DownloadService;
import io.yundoc.server.files.DriveRoutes;
import io.yundoc.server.files.DriveService;
import io.yundoc.server.files.FileService;
import io.yundoc.server.files.FileStore;
import io.yundoc.server.files.ListingStore;
import io.yundoc.server.files.PersonalFileRoutes;
import io.yundoc.server.files.PurgeHooks;
import io.yundoc.server.http.GuardedHttp1;
import io.yundoc.server.inspect.InspectRoutes;
import io.yundoc.server.inspect.InspectService;
import io.yundoc.server.inspect.JournalFilter;
import io.yundoc.server.inspect.RequestJournal;
import io.yundoc.server.links.LinkRoutes;
import io.yundoc.server.links.LinkService;
import io.yundoc.server.links.LinkStore;
import io.yundoc.server.oauth.AuthPages;
import io.yundoc.server.oauth.Csrf;
import io.yundoc.server.oauth.LoginThrottle;
import io.yundoc.server.oauth.OAuthRoutes;
import io.yundoc.server.oauth.OAuthService;
import io.yundoc.server.oauth.SessionService;
import io.yundoc.server.office.OfficeEngine;
import io.yundoc.server.office.OfficeRoutes;
import io.yundoc.server.office.OfficeService;
import io.yundoc.server.quota.DbQuotaCounter;
import io.yundoc.server.quota.LocalQuotaCounter;
import io.yundoc.server.quota.QuotaCounter;
import io.yundoc.server.quota.QuotaService;
import io.yundoc.server.quota.RedisQuotaCounter;
import io.yundoc.server.sheets.DataTableService;
import io.yundoc.server.sheets.SheetRoutes;
import io.yundoc.server.sheets.SheetService;
import io.yundoc.server.tables.TableRoutes;
import io.yundoc.server.tables.TableService;
import io.yundoc.server.web.LandingPage;
import io.yundoc.server.web.OpsRoutes;
import io.yundoc.server.web.PreviewSource;
import io.yundoc.server.web.Previews;
import io.yundoc.server.web.SharePageRoutes;
import io.yundoc.server.web.SharedFiles;
import io.yundoc.server.webhooks.WebhookDispatcher;
import io.yundoc.server.webhooks.WebhookRoutes;
import io.yundoc.server.webhooks.WebhookService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.sqlite.SQLiteJDBCLoader;

/** Builds every part from a {@link ServerConfig}, starts the web server, and stops it again. */
public final class YundocServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(YundocServer.class.getName());
    private final ServerConfig config;
    private final Database db;
    private final BlobStore blobStore;
    private final QuotaCounter quotaCounter;
    private final RedisBackend redis;
    private final ScheduledExecutorService poller;
    private final ServerClock clock;
    private final String adminToken;
    private final List<Endpoint> routes;
    private final AdminService admin;
    private final FileService files;
    private final IdGenerator ids;
    private final WebServer web;
    private final DemoData.Demo demo;
    private final EditTokenService editTokens;
    private final ContentIndex contentIndex;
    private final BlobCollector blobCollector;
    private final DriveService drive;
    private final ScheduledExecutorService retention;
    private final Draining draining = new Draining();
    private final Metrics metrics;
    private final GuardedHttp1 connections;
    private final WebhookDispatcher webhooks;
    private final OfficeService office;
    private final OfficeEngine officeEngine;
    private final AsyncUploadService asyncUploads;

    /** Set once listening; ends the process if the listener dies under it (see ListenerWatchdog). */
    private volatile ListenerWatchdog watchdog;
    /** {@code --warm-up} running beside this server's start, or null. */
    private volatile WarmUp warmUp;

    /** Held while this server runs on an embedded data dir; null with PostgreSQL. */
    private final DataDirLock dirLock;

    /**
     * @param opened every part that holds threads, connections or files is pushed here as soon as it exists, so that a
     *               start that fails half-way closes what it opened ({@link #start}) and the JVM can exit
     */
    private YundocServer(
            ServerConfig config, DataDirLock dirLock, Deque<AutoCloseable> opened, OutboundGuard.Resolver resolver)
            throws IOException {
        this.config = config;
        this.dirLock = dirLock;
        DataDir.createOwnerOnly(config.dataDir());
        this.redis = config.quota() != null ? new RedisBackend(config.quota()) : null;
        if (redis != null) {
            opened.push(redis);
        }
        try {
            // with Redis, instances sharing PostgreSQL keep their row caches exact through a generation kept there
            this.db = Database.open(config.db(), config.dataDir(), config.rowCache(), redis);
        } catch (RuntimeException e) {
            throw new StartupException(
                    (config.embeddedDatabase() ? "cannot open database " : "cannot connect to database ")
                            + ServerConfig.withoutSecrets(
                                    config.db() != null
                                            ? config.db()
                                            : config.dataDir()
                                                    .resolve("yundoc.db")
                                                    .toString())
                            + ": " + withoutPassword(rootMessage(e), config.db()),
                    e);
        }
        opened.push(db);
        Settings settings = new Settings(db.jdbi());
        long offset = config.dev()
                ? settings.get("clock_offset_ms").map(Long::parseLong).orElse(0L)
                : 0L;
        this.clock = new ServerClock(Clock.systemUTC(), offset);
        clock.onChange(v -> settings.put("clock_offset_ms", Long.toString(v)));
        Maintenance maintenance = new Maintenance();
        RandomGenerator random = config.seed() != null ? new Random(config.seed()) : new SecureRandom();
        this.ids = new IdGenerator(new Ids(random), db.jdbi(), config.dev());
        this.adminToken = adminToken(config);
        byte[] ticketKey = Base64.getDecoder()
                .decode(settings.getOrCreate(
                        "download_ticket_key",
                        () -> Base64.getEncoder().encodeToString(new Ids(new SecureRandom()).bytes(32))));

        Metrics metrics = new Metrics();
        this.metrics = metrics;
        opened.push(metrics);
        db.bindMetrics(metrics.registry());
        for (boolean hit : new boolean[] {true, false}) {
            FunctionCounter.builder("yundoc_row_cache_reads", db.readCache(), c -> hit ? c.hits() : c.loads())
                    .tag("result", hit ? "hit" : "load")
                    .description(
                            "reads of token, app, file, link and blob rows: answered from memory, or from the database")
                    .register(metrics.registry());
        }
        this.blobStore = config.blobs() != null
                ? new S3BlobStore(
                        config.blobs(), config.dataDir().resolve("spool"), config.blobsPresign(), dirLock != null)
                : new LocalBlobStore(config.dataDir().resolve("blobs"), dirLock != null);
        opened.push(blobStore);
        boolean failOpen = config.quotaFailure() == ServerConfig.QuotaFailure.OPEN;
        if (redis != null) {
            this.quotaCounter = new RedisQuotaCounter(
                    redis,
                    failOpen ? RedisQuotaCounter.Policy.OPEN : RedisQuotaCounter.Policy.CLOSED,
                    metrics.registry());
        } else if (db.postgres()) {
            this.quotaCounter = new DbQuotaCounter(db.jdbi());
        } else {
            this.quotaCounter = new LocalQuotaCounter(db.untrackedJdbi()); // quota_usage: no cached row comes from it
        }
        opened.push(quotaCounter);
        // with Redis, the no-Redis mode's cache stays underneath: a Redis outage opens no replay window
        ReplayCache withoutRedis =
                db.postgres() ? new DbReplayCache(db.jdbi(), clock::millis) : new LocalReplayCache(clock::millis);
        ReplayCache replay = !config.wps2ReplayCache()
                ? null
                : redis != null ? new RedisReplayCache(redis, clock::millis, withoutRedis) : withoutRedis;
        if (db.postgres()) {
            // several instances share this database: the emulator clock and the maintenance switch set through one
            // instance reach the others within a second
            SharedSetting clockSetting =
                    new SharedSetting(settings, "clock_offset_ms", v -> clock.adopt(Long.parseLong(v)));
            SharedSetting maintenanceSetting = new SharedSetting(settings, "maintenance", maintenance::adopt);
            clock.onChange(v -> clockSetting.publish(Long.toString(v)));
            maintenance.onChange(maintenanceSetting::publish);
            maintenanceSetting.poll();
            this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "yundoc-shared-settings");
                t.setDaemon(true);
                return t;
            });
            // the task catches its own failures: its future would only ever report the cancellation at shutdown
            var unused = poller.scheduleWithFixedDelay(
                    () -> {
                        try {
                            if (config.dev()) {
                                clockSetting.poll();
                            }
                            maintenanceSetting.poll();
                        } catch (RuntimeException e) {
                            // database briefly unreachable: keep the last known values, try again in a second
                        }
                    },
                    1,
                    1,
                    TimeUnit.SECONDS);
            opened.push(poller::shutdownNow);
        } else {
            this.poller = null;
        }
        QuotaService quota = new QuotaService(quotaCounter, clock, config.quotaTz(), metrics);
        PublicUrl publicUrl = new PublicUrl(
                config.publicUrl(), config.bind() + ":" + config.port(), TrustedProxies.parse(config.trustedProxies()));
        AppStore apps = new AppStore(db.jdbi(), db.readCache());
        UserStore users = new UserStore(db.jdbi());
        TokenService tokens = new TokenService(db.jdbi(), clock, ids, db.readCache());
        this.editTokens = new EditTokenService(db.jdbi(), clock, ids);
        Wps2Authenticator wps2 =
                new Wps2Authenticator(apps, clock, metrics, replay, config.wps2Window(), publicUrl.pathPrefix());

        FileStore fileStore = new FileStore(db.jdbi(), db.readCache());
        BlobIndexStore blobIndex = new BlobIndexStore(db.jdbi(), db.readCache());
        BlobResponder responder = new BlobResponder(blobStore, metrics);
        ContentStore content = new ContentStore(blobStore, config.maxUpload(), db.jdbi(), db.postgres(), clock::millis);
        this.files = new FileService(fileStore, content, clock, ids);
        DownloadTickets downloadTickets = new DownloadTickets(ticketKey);
        DownloadService downloads =
                new DownloadService(downloadTickets, fileStore, blobIndex, responder, clock, config.downloadTtl());
        this.blobCollector = new BlobCollector(db.jdbi(), content, clock, 3600, 900);
        opened.push(blobCollector);
        this.contentIndex = new ContentIndex(
                db.jdbi(),
                blobStore,
                clock,
                db.postgres(),
                config.extractTimeout(),
                config.extractHeap(),
                config.dataDir().resolve("extract"),
                metrics.registry());
        opened.push(contentIndex);
        files.indexWith(contentIndex);
        DriveService drive = new DriveService(db.jdbi(), new ListingStore(db.jdbi(), clock), clock, ids, contentIndex);
        LinkService links = new LinkService(new LinkStore(db.jdbi(), db.readCache()), files, clock, ids);
        AppSpaceService appSpace = new AppSpaceService(fileStore, content, clock, ids);
        // rows other packages keep per file go with it when it is removed for good (registered below)
        PurgeHooks purgeHooks = new PurgeHooks();
        drive.purgeHooks(purgeHooks);
        appSpace.purgeHooks(purgeHooks);
        PasswordHasher hasher = new PasswordHasher(config.passwordHashCost());
        this.admin = new AdminService(db.jdbi(), apps, users, tokens, hasher, clock, ids);
        FixtureLoader fixtures = new FixtureLoader(db.jdbi(), users, tokens, hasher, content, clock, ids);
        if (config.fixtures() != null) {
            // applied once per data dir: a restart with the same file keeps (and does not re-create) its objects
            byte[] doc = Files.readAllBytes(config.fixtures());
            String mark = "fixtures_applied_" + Hex.sha256(doc);
            if (settings.get(mark).isEmpty()) {
                fixtures.apply(Json.MAPPER.readTree(doc));
                settings.put(mark, Long.toString(clock.epochSeconds()));
            }
        }

        DiskSpace disk = new DiskSpace(config.dataDir(), config.minFreeSpace(), System::nanoTime);
        Faults faults = new Faults();
        RouteTable api = new RouteTable(new Pipeline(
                draining,
                new Authentication(tokens, wps2, quota, () -> adminToken, db.readCache()),
                maintenance,
                config.dev() ? faults : null,
                metrics,
                publicUrl,
                disk,
                db.readCache()));
        api.add(new PersonalFileRoutes(files, downloads));
        api.add(new LinkRoutes(links).withEditTokens(editTokens));
        CloudImporter urlFetcher = new CloudImporter(
                files,
                new OutboundGuard(config.cloudAllow(), resolver),
                config.cloudTimeout(),
                config.cloudConcurrency());
        api.add(new DriveRoutes(drive, urlFetcher));
        api.add(new AppSpaceRoutes(appSpace, wps2, downloads, tokens, editTokens));
        api.add(downloads);
        SheetService sheetService = new SheetService(
                fileStore,
                db.jdbi(),
                blobStore,
                config.dataDir().resolve("sheets-tmp"),
                metrics.registry(),
                downloadTickets,
                clock);
        purgeHooks.add(sheetService::documentPurged);
        DataTableService ksheetTables = new DataTableService(sheetService, clock);
        api.add(new SheetRoutes(sheetService, ksheetTables));
        // Office documents' preview PDFs come from the office engine (created below; asked only once requests arrive)
        PreviewSource previewSource = v -> officePreview(v, blobIndex);
        SharedFiles shared = new SharedFiles(links.store(), fileStore, users, blobIndex, editTokens, clock);
        // anonymous preview (docs/api-families.md §F4): WPS-2 task routes, and the /a/ page of the share-page routes;
        // its URL fetches (and async upload's) count against their own per-app limit, not URL import's
        CloudImporter previewFetcher = new CloudImporter(
                files,
                new OutboundGuard(config.cloudAllow(), resolver),
                config.cloudTimeout(),
                config.cloudConcurrency());
        byte[] anonKey = Base64.getDecoder()
                .decode(settings.getOrCreate(
                        "anon_token_key",
                        () -> Base64.getEncoder().encodeToString(new Ids(new SecureRandom()).bytes(32))));
        AnonymousPreviewService anonymous =
                new AnonymousPreviewService(db.jdbi(), apps, appSpace, previewFetcher, clock, ids, anonKey);
        purgeHooks.add(anonymous::filePurged); // a destroyed file's preview tokens end with it
        api.add(new AnonymousPreviewRoutes(anonymous, appSpace, wps2, clock));
        // app-space async upload (§F5): tasks in the database, a sweep here takes over a dead worker's task once
        this.asyncUploads = new AsyncUploadService(
                db.jdbi(), db.untrackedJdbi(), apps, appSpace, previewFetcher, clock, ids, 2_000);
        opened.push(asyncUploads);
        api.add(new AsyncUploadRoutes(asyncUploads));
        api.add(new SharePageRoutes(
                        shared,
                        responder,
                        downloads,
                        config.quotaTz(),
                        new Previews(shared, blobStore, responder, previewSource))
                .withAnonymous(anonymous));
        api.add(new LandingPage(config.scaleOut(), config.dev()));
        // light tables and their webhooks (docs/api-families.md §F2); the dispatcher sends the outbox until close()
        TableService tables = new TableService(db.jdbi(), fileStore, clock);
        WebhookService webhookService = new WebhookService(
                db.jdbi(),
                db.untrackedJdbi(),
                db.postgres(),
                tables,
                new OutboundGuard(config.cloudAllow(), resolver),
                clock,
                ids);
        tables.events(webhookService);
        purgeHooks.add(tables::documentPurged);
        purgeHooks.add(webhookService::documentPurged);
        // a copied .dbt or .ksheet takes its tables (and a ksheet its cells) along, in the copy's transaction
        drive.copyContentWith((h, from, to) -> {
            String ext = ContentTypes.extension(from.name());
            if ("dbt".equals(ext)) {
                tables.copyDocument(h, from.fileId(), to);
            } else if ("ksheet".equals(ext)) {
                ksheetTables.copyDocument(h, from.fileId(), to);
            }
        });
        this.webhooks = new WebhookDispatcher(
                webhookService, apps, clock, metrics.registry(), config.embeddedDatabase(), config.webhookClaimLease());
        opened.push(webhooks);
        api.add(new TableRoutes(tables));
        // conversion and extraction (docs/api-families.md §F3): office processes start on first use, not at boot
        ServerConfig.Office officeConfig = config.office();
        this.officeEngine = new OfficeEngine(
                officeConfig.home(),
                config.dataDir().resolve("office"),
                officeConfig.processes(),
                officeConfig.taskTimeout(),
                officeConfig.maxTasksPerProcess());
        opened.push(officeEngine);
        this.office = new OfficeService(
                db.jdbi(),
                db.untrackedJdbi(),
                officeEngine,
                content,
                blobStore,
                downloads,
                urlFetcher,
                clock,
                ids,
                config.dataDir().resolve("office"),
                officeConfig.maxInput(),
                officeConfig.maxInflated(),
                officeConfig.maxZipEntries(),
                officeConfig.taskTimeout(),
                officeConfig.processes(),
                config.extractTimeout(),
                config.extractHeap());
        opened.push(office);
        api.add(new OfficeRoutes(office));
        api.add(new WebhookRoutes(webhookService, config.dev()));
        Gauge.builder("yundoc_data_dir_free_bytes", disk, d -> d.usable())
                .description("usable bytes on the data dir's file system (/health warns below --min-free-space)")
                .register(metrics.registry());
        OpsRoutes ops = new OpsRoutes(db, blobStore, metrics).disk(disk);
        ops.engine("office", officeEngine::available);
        if (quotaCounter instanceof RedisQuotaCounter rq) {
            // fail open: Redis down is a warning (counts go on locally); fail closed: metered calls fail, not ready
            ops.check(new OpsRoutes.Check("quota", () -> rq.up() ? "UP" : "DOWN", !failOpen));
        }
        ops.check(new OpsRoutes.Check("serving", () -> draining.draining() ? "DRAINING" : "UP", true));
        // a keep-alive connection can still reach /health after the listener died: never UP then
        ops.check(new OpsRoutes.Check(
                "listener",
                () -> {
                    ListenerWatchdog w = watchdog;
                    return w == null || w.listeningRecently() ? "UP" : "DOWN";
                },
                true));
        if (!config.warmUp().isZero()) {
            // not ready for load balancers until the first requests will meet warm code
            ops.check(new OpsRoutes.Check(
                    "warm-up",
                    () -> {
                        WarmUp w = warmUp;
                        return w == null ? "WARMING_UP" : w.status();
                    },
                    true));
        }
        api.add(ops);
        BrowserAuth browser = oauthRoutes(api, settings, apps, users, tokens, hasher, webhookService::grantRevoked);
        api.add(new WebDriveRoutes(
                files,
                drive,
                links,
                downloads,
                editTokens,
                blobCollector,
                browser.sessions(),
                browser.csrf(),
                users::find,
                browser.pages(),
                config.quotaTz(),
                config.maxUpload()));
        JournalFilter journalFilter = null;
        if (config.dev()) {
            // the request journal and the inspector exist in dev mode only (design.md "Emulator controls")
            var journal = new RequestJournal(RequestJournal.DEFAULT_CAPACITY, RequestJournal.DEFAULT_BODY_LIMIT);
            journalFilter = new JournalFilter(journal, clock::millis);
            api.add(new InspectRoutes(
                    journal, new InspectService(db.jdbi(), apps, users), quota, () -> adminToken, browser.csrf(), ids));
        }
        List<String> metered = api.endpoints().stream()
                .filter(e -> e.tier() != null)
                .map(e -> e.tier().name() + "|" + e.key())
                .toList();
        api.add(new AdminRoutes(
                admin, quota, clock, maintenance, config.dev(), config.adminIssueTokens(), metered, fixtures));
        api.add(this::indexerRoutes);
        api.add(new KeyRotationRoutes(admin, clock, ids));
        api.add(new FaultRoutes(faults, config.dev()));
        api.add(r -> purgeRoute(r, drive));
        this.drive = drive;
        if (config.recycleRetention() != null) {
            // automatic recycle-bin purge (--recycle-retention); the clock it compares with is ServerClock
            this.retention = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                    .daemon()
                    .name("yundoc-recycle-retention")
                    .unstarted(r));
            // the task catches its own failures: its future would only ever report the cancellation at shutdown
            var unused = retention.scheduleWithFixedDelay(
                    () -> {
                        try {
                            purgeExpiredRecycleItems();
                        } catch (RuntimeException e) {
                            LOG.log(Level.WARNING, "recycle-bin purge failed", e);
                        }
                    },
                    1,
                    10,
                    TimeUnit.MINUTES);
            opened.push(retention::shutdownNow);
        } else {
            this.retention = null;
        }
        this.demo = config.demo() ? DemoData.ensure(admin, apps, users, files, settings, config.dev()) : null;
        this.routes = api.endpoints();

        // the only HTTP/1 selector of the listener: Helidon's, with the header and body-idle deadlines added. Helidon
        // refuses a head over its limit with a plain 400; HeaderLimit answers 431 from its BYTES up (api.md §1.3)
        this.connections = GuardedHttp1.create(
                Http1Config.builder().maxPrologueLength(8192).maxHeadersSize(4 * HeaderLimit.BYTES),
                config.headerTimeout(),
                config.bodyIdleTimeout());
        this.web = WebServer.builder()
                .host(config.bind())
                .port(config.port())
                // a response's last segment goes out at once: with Nagle on, a 10 KB et answer waited for the
                // client's delayed ACK (about 40 ms a request; docs/benchmarks.md "Sheets and light tables")
                .connectionOptions(o -> o.tcpNoDelay(true))
                .shutdownHook(false)
                // no second, discovered HTTP/1 selector: with two, Helidon waits for a connection's first bytes
                // before choosing, and a connection that sends nothing would never reach the deadlines
                .protocolsDiscoverServices(false)
                .addConnectionSelector(connections)
                .routing(journalFilter == null ? api.routing() : api.routing().addFilter(journalFilter))
                // what Helidon's own stop waits for the requests still running once the listener closed
                .shutdownGracePeriod(config.drainTimeout())
                .directHandlers(d -> {
                    for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
                        d.addHandler(t, new EnvelopeDirectHandler());
                    }
                })
                .build();
    }

    /** The content indexer's admin routes: its state for operators, and (dev) waiting until it caught up. */
    private void indexerRoutes(Routes r) {
        r.admin(Method.POST, "/admin/v1/indexer/flush", c -> {
            if (!config.dev()) {
                throw ApiException.denied("dev mode only");
            }
            c.ok(Map.of("pending", contentIndex.flush(30_000)));
        });
        // the indexer's state for operators: waiting files, and files whose text could not be extracted, with why
        r.admin(Method.GET, "/admin/v1/indexer", c -> c.ok(contentIndex.status(100)));
    }

    /** Purging recycle bins now (the automatic purge is --recycle-retention). */
    private void purgeRoute(Routes r, DriveService drive) {
        r.admin(Method.POST, "/admin/v1/recycles/purge", c -> {
            var body = c.json(false);
            String user = Json.text(body, "user_id").orElse(null);
            long days = Json.integer(body, "older_than_days").orElse(0L);
            if (days < 0) {
                throw ApiException.invalid("older_than_days must not be negative");
            }
            int purged = drive.purge(user, days);
            blobCollector.collect();
            c.ok(Map.of("purged", purged));
        });
    }

    /** The browser session, CSRF and sign-in page the web drive shares with the OAuth pages. */
    private record BrowserAuth(SessionService sessions, Csrf csrf, AuthPages pages) {}

    private BrowserAuth oauthRoutes(
            RouteTable api,
            Settings settings,
            AppStore apps,
            UserStore users,
            TokenService tokens,
            PasswordHasher hasher,
            GrantService.RevokeHook grantRevoked) {
        byte[] csrfKey = Base64.getDecoder()
                .decode(settings.getOrCreate(
                        "csrf_key", () -> Base64.getEncoder().encodeToString(new Ids(new SecureRandom()).bytes(32))));
        GrantService grants = new GrantService(db.jdbi(), editTokens).onRevoke(grantRevoked);
        OAuthService oauth = new OAuthService(
                db.jdbi(),
                apps,
                users,
                tokens,
                admin,
                clock,
                ids,
                config.refreshRotation() == ServerConfig.RefreshRotation.ROTATE);
        SessionService sessions = new SessionService(db.jdbi(), clock, ids, config.sessionTtl());
        Csrf csrf = new Csrf(csrfKey);
        AuthPages pages = new AuthPages(
                oauth,
                sessions,
                new LoginThrottle(
                        db.jdbi(), clock, config.loginMaxFailures(), config.loginLockout(), config.loginMaxDelay()),
                csrf,
                grants,
                hasher,
                ids,
                config.dev(),
                config.quotaTz());
        api.add(pages);
        api.add(new OAuthRoutes(oauth, grants, editTokens, ids));
        return new BrowserAuth(sessions, csrf, pages);
    }

    /**
     * A setting several instances share. {@link #poll} adopts a value only when the stored one changed since this
     * instance last saw or wrote it, and both run under one lock, so a poll that read just before a local change can
     * never roll that change back.
     */
    private static final class SharedSetting {
        private final Settings settings;
        private final String name;
        private final Consumer<String> adopt;
        private String lastSeen;

        SharedSetting(Settings settings, String name, Consumer<String> adopt) {
            this.settings = settings;
            this.name = name;
            this.adopt = adopt; // lastSeen starts null: the first poll adopts whatever is stored
        }

        synchronized void publish(String value) {
            settings.put(name, value);
            lastSeen = value;
        }

        synchronized void poll() {
            String v = settings.get(name).orElse(null);
            if (v != null && !v.equals(lastSeen)) {
                lastSeen = v;
                adopt.accept(v);
            }
        }
    }

    /**
     * Start-up time: initialises, on a second thread, what every server start needs whatever its configuration (the
     * SQLite native library, the schema template's check, Hikari, Helidon's routing and service registry, Jackson,
     * the Prometheus registry), while the caller is still parsing its command line. Class initialisation is safe to
     * race: the caller waits for any class this thread is still initialising, and does the work itself if this thread
     * failed.
     */
    public static void preload() {
        Thread.ofPlatform().daemon().name("yundoc-preload").start(() -> {
            try {
                SQLiteJDBCLoader.initialize();
                SqliteTemplate.available(); // reads the scripts' digest: the schema template spares most starts Flyway
                new HikariConfig();
                HttpRouting.builder().build();
                WebServer.builder();
                Json.write(Map.of("warm", 1));
                new Metrics();
            } catch (Exception | LinkageError ignored) {
                // only a head start
            }
        });
    }

    /**
     * Opens storage, migrates, and starts listening. A start the operator can fix (port in use, data dir not
     * writable, database out of reach) fails with a one-line {@link StartupException}, having closed whatever it had
     * opened so far.
     */
    public static YundocServer start(ServerConfig config) {
        return start(config, InetAddress::getAllByName);
    }

    /**
     * As {@link #start(ServerConfig)}, with the name resolution of outbound requests (URL import, webhook deliveries)
     * given: tests answer names of their own with it, e.g. a name that changes its address between two lookups.
     */
    public static YundocServer start(ServerConfig config, OutboundGuard.Resolver resolver) {
        // the two checks that need nothing else come first, as nginx binds before it does any work
        checkPortFree(config);
        checkWritable(config.dataDir());
        // the embedded database has one owner: its rows are cached and its quota counts kept in this process
        DataDirLock lock = config.embeddedDatabase() ? DataDirLock.acquire(config.dataDir()) : null;
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        YundocServer s = null;
        boolean started = false;
        try {
            FatalErrors.install();
            // the throw-away server of --warm-up starts beside this one: two cores share the start's work
            WarmUp w = config.warmUp().isZero() ? null : WarmUp.begin(config.warmUp());
            if (w != null) {
                opened.push(w);
            }
            s = new YundocServer(config, lock, opened, resolver);
            s.warmUp = w;
            s.web.start();
            if (!s.web.isRunning()) {
                // Helidon logs a failed bind and returns (port -1): someone took the port after checkPortFree
                throw new StartupException(portMessage(config), null);
            }
            int port = s.web.port();
            s.watchdog = new ListenerWatchdog(
                    config.bind(),
                    port,
                    2000,
                    () -> FatalErrors.halt("the listener on port " + port + " stopped accepting connections"));
            started = true;
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!started) {
                if (s != null) {
                    try {
                        s.web.stop();
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "stopping after a failed start", e);
                    }
                }
                for (AutoCloseable c : opened) { // newest first
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.log(Level.FINE, "closing after a failed start", e);
                    }
                }
                release(lock);
            }
        }
    }

    private static String portMessage(ServerConfig config) {
        return "port " + config.port() + " is in use; try --port";
    }

    /** Binds the listening address once and lets it go: the common "port in use" case, told in one line. */
    private static void checkPortFree(ServerConfig config) {
        if (config.port() == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the web server does: a port in TIME_WAIT counts as free
            probe.bind(new InetSocketAddress(config.bind(), config.port()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof BindException
                    && e.getMessage() != null
                    && e.getMessage().contains("in use")) {
                throw new StartupException(portMessage(config), e);
            }
            throw new StartupException(
                    "cannot listen on " + config.bind() + ":" + config.port() + ": "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()) + "; try --port or --bind",
                    e);
        }
    }

    /** Creates the data dir (owner only) or checks its mode, then writes and deletes a probe file in it. */
    private static void checkWritable(Path dir) {
        try {
            // 0700 when created, a warning when others can read it, yundoc's own files 0600 (DataDir)
            DataDir.prepare(dir);
            Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StartupException("data dir " + dir + " is not writable: " + reason(e, dir), e);
        }
    }

    /** What went wrong with a file, in the words of ls and mkdir rather than as an exception name. */
    private static String reason(IOException e, Path dir) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file or directory " + n.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason()
                    + (f.getFile() != null && !f.getFile().equals(dir.toString()) ? " (" + f.getFile() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** The innermost message of a chain (the driver's "Connection to ... refused" rather than the pool's wrapper). */
    private static String rootMessage(Throwable e) {
        String msg = e.toString();
        for (Throwable t = e; t != null; t = t.getCause()) { // Throwable.getCause() is null, never the throwable itself
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                msg = t.getMessage();
            }
        }
        return msg;
    }

    /** A driver message never repeats the URL's password, but should one ever, it is masked here. */
    private static String withoutPassword(String message, String url) {
        String password = url == null ? null : Database.urlParam(url, "password");
        return password == null || password.isEmpty() ? message : message.replace(password, "***");
    }

    private static void release(DataDirLock lock) {
        if (lock != null) {
            lock.close();
        }
    }

    private static String adminToken(ServerConfig config) throws IOException {
        if (config.adminToken() != null && !config.adminToken().isBlank()) {
            return config.adminToken();
        }
        Path file = config.dataDir().resolve("admin.token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String token = "yd_" + new Ids(new SecureRandom()).appKey();
        Path tmp = Files.createTempFile(
                config.dataDir(),
                "admin",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    public int port() {
        return web.port();
    }

    public String url() {
        String host = config.bind().equals("0.0.0.0") ? "127.0.0.1" : config.bind();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    public ServerConfig config() {
        return config;
    }

    /** The listener's HTTP/1 connections: how many are open, how many were closed for a missed deadline. */
    public GuardedHttp1 connections() {
        return connections;
    }

    public String adminToken() {
        return adminToken;
    }

    public ServerClock clock() {
        return clock;
    }

    public AdminService admin() {
        return admin;
    }

    /** The demo objects when started with {@code --demo}, else null. */
    public DemoData.Demo demo() {
        return demo;
    }

    public FileService files() {
        return files;
    }

    public IdGenerator ids() {
        return ids;
    }

    /** Edit tokens (api.md §5.8): issued by the user and with_edit_token endpoints, checked by the /l and /v pages. */
    public EditTokenService editTokens() {
        return editTokens;
    }

    public Database database() {
        return db;
    }

    /**
     * One pass of the automatic recycle-bin purge: items deleted longer ago than {@code --recycle-retention} go for
     * good, then their content is collected. Returns how many were purged (0 when retention is off).
     */
    public int purgeExpiredRecycleItems() {
        if (config.recycleRetention() == null) {
            return 0;
        }
        int n = drive.purgeOlderThan(null, config.recycleRetention().toSeconds());
        if (n > 0) {
            blobCollector.collect();
        }
        return n;
    }

    /** The blob store in use (local files or S3). */
    public BlobStore blobStore() {
        return blobStore;
    }

    public ContentIndex contentIndex() {
        return contentIndex;
    }

    /** Blob garbage collector (grace 1 h, every 15 min); app-space code may call {@code collect()} too. */
    public BlobCollector blobCollector() {
        return blobCollector;
    }

    /** Conversion and the preview PDFs of Office documents (docs/architecture.md "Office engine"). */
    public OfficeService office() {
        return office;
    }

    /** The viewer's {@link io.yundoc.server.web.PreviewSource} over the office engine's cached preview conversions. */
    private PreviewSource.PdfPreview officePreview(PreviewSource.FileVersion v, BlobIndexStore blobIndex) {
        OfficeService.Preview p = office.previewPdf(v.blobKey(), v.name());
        return switch (p.status()) {
            case PREPARING -> PreviewSource.PdfPreview.PREPARING;
            case READY ->
                blobIndex
                        .find(p.pdfBlobKey())
                        .map(PreviewSource.PdfPreview::ready)
                        .orElse(PreviewSource.PdfPreview.NO_PREVIEW);
            default -> PreviewSource.PdfPreview.NO_PREVIEW;
        };
    }

    /** Every registered route (the table {@code /openapi} is checked against). */
    public List<Endpoint> routes() {
        return routes;
    }

    /**
     * Returns once {@link ServerConfig#warmUp() the warm-up} is done ({@code /health} is no longer held at 503 for
     * it); at once when there is none. For callers that start load themselves, such as a test extension.
     */
    public void awaitWarmUp() throws InterruptedException {
        WarmUp w = warmUp;
        if (w != null) {
            w.await();
        }
    }

    /** Requests the warm-up's throw-away server answered: 0 while it runs, without one, or when it failed. */
    public long warmUpRequests() {
        WarmUp w = warmUp;
        return w == null ? 0 : w.answered();
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.close(); // the listener closes on purpose from here on
        }
        WarmUp w = warmUp;
        if (w != null) {
            try {
                w.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // requests in flight finish (up to --drain-timeout) before the listener and the backends close
        int left = draining.drain(config.drainTimeout());
        if (left > 0) {
            LOG.warning(left + " request(s) still in flight after --drain-timeout " + config.drainTimeout()
                    + "; stopping anyway");
        }
        web.stop();
        connections.close();
        if (retention != null) {
            retention.shutdownNow();
        }
        contentIndex.close();
        blobCollector.close();
        webhooks.close();
        office.close();
        officeEngine.close(); // ends the office processes
        asyncUploads.close();
        if (poller != null) {
            poller.shutdownNow();
        }
        quotaCounter.close();
        if (redis != null) {
            redis.close();
        }
        blobStore.close();
        db.close();
        metrics.close();
        release(dirLock);
    }
}
