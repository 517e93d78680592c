package io.yundoc.server.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The metadata database: SQLite in the data dir by default, PostgreSQL when a {@code jdbc:postgresql:} URL is given.
 * One set of Flyway migrations serves both; dialect-specific ones live under {@code db/<dialect>}. A new SQLite file
 * starts as a copy of the build's migrated {@link SqliteTemplate}, and one at the template's history skips Flyway.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Jdbi untracked;
    private final boolean postgres;
    private final ReadCache readCache;

    private Database(HikariDataSource dataSource, boolean postgres, boolean cache, ReadCache.Generations generations) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        // SQLite lives in one data dir that one server process owns; PostgreSQL is shared by the instances, whose
        // caches stay exact only through a generation they all share (Redis), else they read every row
        this.readCache = !cache
                ? ReadCache.disabled()
                : !postgres
                        ? ReadCache.singleWriter()
                        : generations != null ? ReadCache.shared(generations) : ReadCache.disabled();
        this.jdbi = Jdbi.create(readCache.track(dataSource));
        this.untracked = Jdbi.create(dataSource);
    }

    public static Database open(String jdbcUrl, Path dataDir) {
        return open(jdbcUrl, dataDir, true, null);
    }

    /**
     * Opens the pool and migrates the schema.
     *
     * @param cache       false: no row cache at all (every call reads the database)
     * @param generations where the instances sharing a PostgreSQL database keep the row cache's generation (Redis),
     *                    or null: then every row is read from PostgreSQL
     */
    public static Database open(String jdbcUrl, Path dataDir, boolean cache, ReadCache.Generations generations) {
        return open(jdbcUrl, dataDir, cache, generations, true);
    }

    /** A database migrated by Flyway alone, never from the template: the build's {@link SqliteTemplate#main}. */
    static Database openForTemplate(String jdbcUrl, Path dataDir) {
        return open(jdbcUrl, dataDir, false, null, false);
    }

    private static Database open(
            String jdbcUrl, Path dataDir, boolean cache, ReadCache.Generations generations, boolean template) {
        HikariConfig hc = new HikariConfig();
        boolean pg = jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
        String schema = null;
        boolean copied = false;
        if (pg) {
            hc.setJdbcUrl(jdbcUrl);
            schema = urlParam(jdbcUrl, "currentSchema");
            hc.setMaximumPoolSize(Integer.getInteger("yundoc.db.pool", 16));
            // A request waits at most this long for a connection, so an outage answers 30004 quickly instead of
            // piling up threads; Hikari keeps retrying in the background and the service resumes on its own.
            hc.setConnectionTimeout(2000);
            hc.setValidationTimeout(1000);
            hc.setKeepaliveTime(30_000);
            // a database out of reach at start is a misconfiguration until shown otherwise: one attempt (bounded by
            // connectTimeout), then the start fails with one line and exit 1 for the supervisor to retry
            hc.setInitializationFailTimeout(1);
            if (urlParam(jdbcUrl, "connectTimeout") == null) {
                hc.addDataSourceProperty("connectTimeout", "2");
            }
            if (urlParam(jdbcUrl, "socketTimeout") == null) {
                // a statement that outlives this is a dead server, not a slow query (our queries are point reads)
                hc.addDataSourceProperty("socketTimeout", "30");
            }
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        } else {
            String url = jdbcUrl;
            if (url == null || url.isBlank()) {
                url = "jdbc:sqlite:" + dataDir.resolve("yundoc.db").toAbsolutePath();
            }
            Path file = sqliteFile(url);
            if (file != null) {
                try {
                    // the file holds app keys and signing keys: 0600 before SQLite first opens it, and SQLite gives
                    // its -wal, -shm and -journal files the database file's mode
                    DataDir.createOwnerOnly(file.toAbsolutePath().getParent());
                    copied = template && SqliteTemplate.copyInto(file);
                    DataDir.createOwnerOnlyFile(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            hc.setJdbcUrl(url);
            // WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock up front so
            // two writers queue on busy_timeout instead of failing with SQLITE_BUSY half-way.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            hc.addDataSourceProperty("foreign_keys", "false");
            hc.setMaximumPoolSize(8);
            hc.setConnectionTimeout(10000);
        }
        hc.setPoolName("yundoc-db");
        HikariDataSource ds = new HikariDataSource(hc);
        if (!pg && template && SqliteTemplate.atHead(ds, copied)) {
            return new Database(ds, false, cache, generations); // Flyway would find nothing to do
        }
        var flyway = Flyway.configure()
                .dataSource(ds)
                .locations(migrations(pg).stream().map(l -> "classpath:" + l).toArray(String[]::new));
        if (schema != null) {
            // currentSchema=... puts this installation in its own schema (created on first start), e.g. one per test
            // run
            flyway.schemas(schema).createSchemas(true);
        }
        try {
            flyway.load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, pg, cache, generations);
    }

    /**
     * The class-path directories Flyway migrates from: the shared scripts and the dialect's own. The schema
     * template's digest ({@link SqliteTemplate}) covers exactly SQLite's, so the two can never list different ones.
     */
    static List<String> migrations(boolean postgres) {
        return List.of("db/migration", "db/" + (postgres ? "postgresql" : "sqlite"));
    }

    /** The database file of a {@code jdbc:sqlite:} URL, or null for an in-memory database. */
    static Path sqliteFile(String url) {
        if (!url.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String rest = url.substring("jdbc:sqlite:".length());
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        }
        if (rest.isEmpty() || rest.startsWith(":memory:") || rest.contains("mode=memory")) {
            return null;
        }
        return Path.of(rest);
    }

    /** A query parameter of a JDBC URL ({@code ?a=b&c=d}), URL-decoded, or null. */
    public static String urlParam(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : url.substring(q + 1).split("&", -1)) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Pool gauges (active, idle, pending, timeouts) in /metrics as hikaricp_* : the first thing to read in an outage. */
    public void bindMetrics(MeterRegistry registry) {
        dataSource.setMetricRegistry(registry);
    }

    /** The pool itself: writes made through it bypass {@link #readCache()} (migration tooling only). */
    public DataSource dataSource() {
        return dataSource;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * The pool without the read cache's write tracking, for writes to tables no cached row comes from (the webhook
     * outbox's claims and outcomes): they do not invalidate every cached token, app and file.
     */
    public Jdbi untrackedJdbi() {
        return untracked;
    }

    /** The cache of hot rows, valid until the next write through {@link #jdbi()} (see {@link ReadCache}). */
    public ReadCache readCache() {
        return readCache;
    }

    public boolean postgres() {
        return postgres;
    }

    /** True when a connection can be had and answers. */
    public boolean healthy() {
        try (var c = dataSource.getConnection()) {
            return c.isValid(1);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Closes the pool even on an interrupted thread (a server closed by a thread someone interrupted; the warm-up's
     * throw-away server was one until the warm-up stopped using interrupts): Hikari's close waits for its threads and,
     * interrupted, logs a warning with a stack trace instead. The interrupt is kept.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            dataSource.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
