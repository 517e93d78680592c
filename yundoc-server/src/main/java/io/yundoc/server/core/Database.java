package io.yundoc.server.core;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The metadata database: SQLite in the data dir by default, PostgreSQL when a {@code jdbc:postgresql:} URL is given.
 * One set of Flyway migrations serves both; dialect-specific ones live under {@code db/<dialect>}.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(String jdbcUrl, Path dataDir) {
        HikariConfig hc = new HikariConfig();
        boolean pg = jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
        if (pg) {
            hc.setJdbcUrl(jdbcUrl);
            hc.setMaximumPoolSize(16);
            hc.setConnectionTimeout(3000);
            hc.setValidationTimeout(1000);
        } else {
            String url = jdbcUrl;
            if (url == null || url.isBlank()) {
                try {
                    Files.createDirectories(dataDir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                url = "jdbc:sqlite:" + dataDir.resolve("yundoc.db").toAbsolutePath();
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
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration", "classpath:db/" + (pg ? "postgresql" : "sqlite"))
                .load()
                .migrate();
        return new Database(ds, pg);
    }

    public Jdbi jdbi() {
        return jdbi;
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

    @Override
    public void close() {
        dataSource.close();
    }
}
