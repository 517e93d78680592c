package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.core.DataDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets at rest (issue 13 item 4): the data dir holds app keys, the download-ticket key, the CSRF key and the admin
 * token, so it is created 0700 and yundoc's files in it are 0600, SQLite's -wal and -shm included. A data dir others
 * can read gets a warning naming the fix, and yundoc tightens its own files.
 */
class DataDirPermissionsTest {
    @TempDir
    Path tmp;

    /** Embedded mode, no admin token given: the server generates {@code admin.token} in the data dir. */
    private static ServerConfig embedded(Path data) {
        return ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(data).build();
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** One committed admin write, so the database has written through its WAL. */
    private static void write(YundocServer s) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(s.url() + "/admin/v1/apps"))
                                .header("Authorization", "Bearer " + s.adminToken())
                                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"perm\",\"tier\":\"test\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aNewDataDirIsOwnerOnlyAndSoAreTheDatabaseItsWalAndTheAdminToken() throws Exception {
        Path data = tmp.resolve("fresh");
        YundocServer s = YundocServer.start(embedded(data));
        try {
            write(s);
            assertThat(mode(data)).isEqualTo("rwx------");
            for (String f : List.of("yundoc.db", "yundoc.db-wal", "yundoc.db-shm", "admin.token", "yundoc.lock")) {
                assertThat(data.resolve(f)).as(f).exists();
                assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
            }
            assertThat(mode(data.resolve("blobs"))).isEqualTo("rwx------");
        } finally {
            s.close();
        }
    }

    @Test
    void aDataDirOthersCanReadGetsAWarningNamingTheFixAndYundocTightensItsOwnFiles() throws Exception {
        Path data = tmp.resolve("loose");
        YundocServer.start(embedded(data)).close();
        // as an older yundoc (or a careless copy) left it
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("blobs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String f : List.of("yundoc.db", "admin.token", "yundoc.lock")) {
            Files.setPosixFilePermissions(data.resolve(f), PosixFilePermissions.fromString("rw-r--r--"));
        }

        Logger log = Logger.getLogger(DataDir.class.getName());
        YundocServer s;
        List<LogRecord> logged;
        try (LogCapture capture = LogCapture.on(log, Level.ALL)) {
            s = YundocServer.start(embedded(data));
            logged = capture.records();
        }
        try {
            write(s);
            String abs = data.toAbsolutePath().normalize().toString();
            assertThat(logged)
                    .filteredOn(r -> Level.WARNING.equals(r.getLevel()))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getMessage())
                            .contains("data dir " + abs)
                            .contains("rwxr-xr-x")
                            .contains("fix: chmod 700 " + abs));
            // the directory is the operator's: warned about, not changed; yundoc's own files and dirs are tightened
            assertThat(mode(data)).isEqualTo("rwxr-xr-x");
            for (String f : List.of("yundoc.db", "yundoc.db-wal", "yundoc.db-shm", "admin.token", "yundoc.lock")) {
                assertThat(mode(data.resolve(f))).as(f).isEqualTo("rw-------");
            }
            assertThat(mode(data.resolve("blobs"))).isEqualTo("rwx------");
        } finally {
            s.close();
        }

        // fixed as the warning says: the next start is silent
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        try (LogCapture capture = LogCapture.on(log, Level.ALL)) {
            YundocServer.start(embedded(data)).close();
            logged = capture.records();
        }
        assertThat(logged).noneMatch(r -> Level.WARNING.equals(r.getLevel()));
    }
}
