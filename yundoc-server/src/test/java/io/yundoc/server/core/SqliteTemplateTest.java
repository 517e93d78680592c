package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.protocol.Hex;
import io.yundoc.server.LogCapture;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite schema template: a fresh data dir starts from the file the build migrated, with exactly the schema and
 * the Flyway history Flyway itself gives; anything else (a database already there, one behind, one whose history
 * was edited, scripts changed since the build) goes through Flyway as before.
 */
class SqliteTemplateTest {
    @TempDir
    Path dir;

    @Test
    void theBuildMadeATemplateFromTheScriptsOnTheClassPath() {
        // a stale template would not be wrong (every database would go through Flyway) but would be slow: fail here
        assertThat(SqliteTemplate.available())
                .as(
                        "db/template in the class output matches db/migration and db/sqlite: the build's process-classes step ran")
                .isTrue();
    }

    @Test
    void aDatabaseFromTheTemplateHasTheSchemaAndHistoryFlywayGives() throws Exception {
        Path fromTemplate = dir.resolve("a/yundoc.db");
        Path fromFlyway = dir.resolve("b/yundoc.db");
        String before = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .format(LocalDateTime.now(ZoneOffset.UTC).minusSeconds(2));
        Logger flywayLog = Logger.getLogger("org.flywaydb");
        Level level = flywayLog.getLevel();
        flywayLog.setLevel(Level.INFO); // the tests' logging configuration keeps warnings only
        try (LogCapture flyway = LogCapture.on(flywayLog, Level.INFO);
                Database a = Database.open("jdbc:sqlite:" + fromTemplate, fromTemplate.getParent());
                Database b = openWithFlyway(flyway, fromFlyway)) {
            assertThat(schema(a)).isEqualTo(schema(b)).isNotEmpty();
            assertThat(query(a, "SELECT version, checksum, script, success FROM flyway_schema_history"))
                    .isEqualTo(query(b, "SELECT version, checksum, script, success FROM flyway_schema_history"))
                    .hasSize(SqliteTemplate.usable().history().size());
            // the copied history says when this database came to be, not when the build ran
            assertThat(query(a, "SELECT installed_on FROM flyway_schema_history"))
                    .allSatisfy(on -> assertThat(on).isGreaterThanOrEqualTo(before));
            // and the database works: a write and a read back
            a.jdbi().useHandle(h -> h.execute("INSERT INTO settings(name, value) VALUES ('probe', 'x')"));
            assertThat(query(a, "SELECT value FROM settings WHERE name = 'probe'"))
                    .containsExactly("x");
        } finally {
            flywayLog.setLevel(level);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fromTemplate)))
                .isEqualTo("rw-------");
        try (Stream<Path> left = Files.list(fromTemplate.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".template-"));
        }
    }

    @Test
    void aFileThatHoldsADatabaseIsNeverReplaced() throws Exception {
        Path file = dir.resolve("yundoc.db");
        try (Database db = Database.open("jdbc:sqlite:" + file, dir)) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO settings(name, value) VALUES ('kept', 'yes')"));
        }
        String digest = Hex.sha256(Files.readAllBytes(file));

        assertThat(SqliteTemplate.copyInto(file)).isFalse();
        assertThat(Hex.sha256(Files.readAllBytes(file))).isEqualTo(digest);
        try (Database db = Database.open("jdbc:sqlite:" + file, dir)) {
            assertThat(query(db, "SELECT value FROM settings WHERE name = 'kept'"))
                    .containsExactly("yes");
        }
    }

    @Test
    void anEmptyFileWithAWriteAheadLogBesideItIsLeftToSqlite() throws Exception {
        Path file = dir.resolve("yundoc.db");
        Files.createFile(file);
        Files.writeString(dir.resolve("yundoc.db-wal"), "frames of a database that crashed");

        assertThat(SqliteTemplate.copyInto(file)).isFalse();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void anEmptyFileGetsTheTemplate() throws Exception {
        Path file = dir.resolve("yundoc.db");
        Files.createFile(file);

        assertThat(SqliteTemplate.copyInto(file)).isTrue();
        try (Database db = Database.open("jdbc:sqlite:" + file, dir)) {
            assertEveryScriptApplied(db, "count(*)");
        }
    }

    @Test
    void aDatabaseBehindTheTemplateIsMigratedByFlyway() throws Exception {
        Path file = dir.resolve("yundoc.db");
        Flyway.configure()
                .dataSource("jdbc:sqlite:" + file, null, null)
                .locations("classpath:db/migration", "classpath:db/sqlite")
                .target("10")
                .load()
                .migrate();
        try (Database db = Database.open("jdbc:sqlite:" + file, dir)) {
            assertThat(SqliteTemplate.atHead(db.dataSource(), false)).isTrue();
            assertEveryScriptApplied(db, "max(installed_rank)");
        }
    }

    @Test
    void aHistoryEditedSinceItWasAppliedIsRefusedByFlywayAsBefore() throws Exception {
        Path file = dir.resolve("yundoc.db");
        try (Database db = Database.open("jdbc:sqlite:" + file, dir)) {
            db.jdbi()
                    .useHandle(
                            h -> h.execute("UPDATE flyway_schema_history SET checksum = 1 WHERE installed_rank = 2"));
            assertThat(SqliteTemplate.atHead(db.dataSource(), false)).isFalse();
        }

        assertThatThrownBy(() -> Database.open("jdbc:sqlite:" + file, dir))
                .isInstanceOf(FlywayException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void theScriptsDigestIsTheSameFromADirectoryAndAJarAndChangesWithAnyScript() throws Exception {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("db/migration"));
        Files.createDirectories(classes.resolve("db/sqlite"));
        Files.writeString(classes.resolve("db/migration/V1__a.sql"), "CREATE TABLE a(x INT);");
        Files.writeString(classes.resolve("db/sqlite/V1_1__b.sql"), "CREATE TABLE b(x INT);");
        String fromDir = digest(classes);
        assertThat(fromDir).hasSize(64);
        assertThat(digest(jar(classes, dir.resolve("one.jar")))).isEqualTo(fromDir);

        Files.writeString(classes.resolve("db/migration/V2__c.sql"), "CREATE TABLE c(x INT);");
        String added = digest(classes);
        assertThat(added).isNotEqualTo(fromDir);
        Files.writeString(classes.resolve("db/migration/V2__c.sql"), "CREATE TABLE c(y INT);");
        assertThat(digest(classes)).isNotEqualTo(added).isNotEqualTo(fromDir);
        Files.delete(classes.resolve("db/migration/V2__c.sql"));
        assertThat(digest(classes)).isEqualTo(fromDir);
        // one script moved between the two locations is another set of scripts
        Files.move(classes.resolve("db/sqlite/V1_1__b.sql"), classes.resolve("db/migration/V1_1__b.sql"));
        assertThat(digest(classes)).isNotEqualTo(fromDir);
    }

    @Test
    void theSameScriptPathOnTwoClassPathRootsHasNoDigest() throws Exception {
        for (String root : List.of("r1", "r2")) {
            Files.createDirectories(dir.resolve(root + "/db/migration"));
            Files.writeString(dir.resolve(root + "/db/migration/V1__a.sql"), "CREATE TABLE a(x INT);");
        }
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {
                    dir.resolve("r1").toUri().toURL(), dir.resolve("r2").toUri().toURL()
                },
                null)) {
            assertThat(SqliteTemplate.scriptsDigest(loader)).isNull();
        }
    }

    /** {@code aggregate} over the database's Flyway history is the number of scripts the template was made from. */
    private static void assertEveryScriptApplied(Database db, String aggregate) throws Exception {
        assertThat(query(db, "SELECT " + aggregate + " FROM flyway_schema_history"))
                .containsExactly(
                        String.valueOf(SqliteTemplate.usable().history().size()));
    }

    /** Opens {@code file} through Flyway alone; Flyway has said nothing before (the template's open did not run it). */
    private static Database openWithFlyway(LogCapture flyway, Path file) {
        assertThat(flyway.records())
                .as("Flyway did not run for the database copied from the template")
                .isEmpty();
        Database db = Database.openForTemplate("jdbc:sqlite:" + file, file.getParent());
        assertThat(flyway.records()).as("Flyway logs what it migrates").isNotEmpty();
        return db;
    }

    private static String digest(Path root) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            return SqliteTemplate.scriptsDigest(loader);
        }
    }

    private static Path jar(Path root, Path jar) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readString(p).getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static List<String> schema(Database db) throws Exception {
        return query(
                db,
                "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master"
                        + " ORDER BY type, name");
    }

    private static List<String> query(Database db, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
