package io.yundoc.server.core;

import io.yundoc.protocol.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A fresh SQLite database, migrated once at build time. Flyway costs a start 0.3–0.6 s of CPU on a fresh file (its
 * set-up, then 16 migrations) and 0.1–0.2 s on a file already migrated (docs/benchmarks.md, sixteenth session), on
 * every {@code serve}, every warm-up's throw-away server and every test server. So the build runs {@link #main}:
 * Flyway migrates an empty file, and the file goes into the jar with a manifest of its Flyway history and a digest
 * of the migration scripts it came from. At run time {@link Database} copies the file into a data dir that has no
 * database yet, and skips Flyway when a database's history is exactly the manifest's.
 *
 * <p>Both only when the manifest's digest is that of the migration scripts on the class path: a script added or
 * edited since the template was made (an IDE's build) sends every database through Flyway as before, which then
 * migrates or refuses exactly as it always did.
 */
public final class SqliteTemplate {
    private static final Logger LOG = Logger.getLogger(SqliteTemplate.class.getName());
    static final String FILE = "db/template/yundoc-sqlite.db";
    static final String MANIFEST = "db/template/yundoc-sqlite.manifest";
    private static final String HISTORY_QUERY =
            "SELECT installed_rank, version, checksum, script, success FROM flyway_schema_history"
                    + " ORDER BY installed_rank";

    private SqliteTemplate() {}

    /** What the build recorded: the scripts' digest and the history Flyway wrote. */
    record Manifest(String scripts, List<String> history) {
        static Manifest parse(String text) {
            String scripts = null;
            List<String> history = new ArrayList<>();
            for (String line : (Iterable<String>) text.lines()::iterator) {
                if (line.startsWith("scripts ")) {
                    scripts = line.substring("scripts ".length());
                } else if (line.startsWith("history ")) {
                    history.add(line.substring("history ".length()));
                }
            }
            return scripts == null || history.isEmpty() ? null : new Manifest(scripts, List.copyOf(history));
        }

        String text() {
            StringBuilder sb = new StringBuilder(
                    "# the SQLite schema template's Flyway history, written at build time by SqliteTemplate\n");
            sb.append("scripts ").append(scripts).append('\n');
            history.forEach(h -> sb.append("history ").append(h).append('\n'));
            return sb.toString();
        }
    }

    /**
     * Build time: migrates an empty SQLite file with Flyway and writes it and its manifest into the directory {@code
     * args[0]} (the module's class output, so the jar carries them).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SqliteTemplate OUTPUT_DIR");
        }
        Path out = Path.of(args[0]);
        Path work = Files.createTempDirectory("yundoc-template");
        try {
            Path file = work.resolve("yundoc.db");
            List<String> history;
            try (Database db = Database.openForTemplate("jdbc:sqlite:" + file.toAbsolutePath(), work)) {
                history = history(db.dataSource());
            }
            // the pool's close checkpoints the write-ahead log into the file and removes it: the file is the whole
            // database, or the template would miss rows
            Path wal = work.resolve("yundoc.db-wal");
            if (Files.exists(wal) && Files.size(wal) > 0) {
                throw new IllegalStateException("the template's write-ahead log was not checkpointed: " + wal);
            }
            Files.createDirectories(out.resolve(FILE).getParent());
            Files.copy(file, out.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
            String scripts = scriptsDigest(SqliteTemplate.class.getClassLoader());
            if (scripts == null) {
                throw new IllegalStateException(
                        "the migration scripts cannot be listed from " + Database.migrations(false));
            }
            Files.writeString(out.resolve(MANIFEST), new Manifest(scripts, history).text());
        } finally {
            DirTree.delete(work);
        }
    }

    /**
     * Copies the template into {@code file} when it holds no database yet (absent or empty, with no write-ahead log
     * or rollback journal beside it), through a 0600 temporary file moved into place: a failed copy leaves nothing
     * behind and the start goes on through Flyway. True when copied.
     */
    static boolean copyInto(Path file) {
        try {
            if (usable() == null
                    || !empty(file)
                    || !empty(sidecar(file, "-wal"))
                    || !empty(sidecar(file, "-journal"))) {
                return false;
            }
            Path temp = sidecar(file, ".template-" + Long.toHexString(System.nanoTime()));
            try {
                DataDir.createOwnerOnlyFile(temp);
                try (InputStream in = resource(FILE);
                        FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    if (in == null) {
                        return false;
                    }
                    in.transferTo(Channels.newOutputStream(ch));
                    ch.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return true;
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.fine("the schema template was not copied (" + e + "); migrating with Flyway");
            return false;
        }
    }

    /**
     * True when the database's Flyway history is exactly the template's (every script applied, none failed or
     * edited), so Flyway would find nothing to do. A database just copied from the template gets its history's
     * install times set to now, the time it came to be.
     */
    static boolean atHead(DataSource ds, boolean copied) {
        Manifest m = usable();
        if (m == null) {
            return false;
        }
        try (Connection c = ds.getConnection()) {
            if (!m.history().equals(history(c))) {
                return false;
            }
            if (copied) {
                try (Statement st = c.createStatement()) {
                    st.executeUpdate(
                            "UPDATE flyway_schema_history SET installed_on = strftime('%Y-%m-%d %H:%M:%f','now')");
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            return true;
        } catch (SQLException e) {
            return false; // no history table yet, or one of another shape: Flyway decides
        }
    }

    /** True when the jar carries a template made from the migration scripts on the class path. */
    public static boolean available() {
        return usable() != null;
    }

    /** The manifest, when the jar carries one made from the migration scripts on the class path; else null. */
    static Manifest usable() {
        return Loaded.MANIFEST;
    }

    /** Loaded once, on first use, by the class initialisation's own lock. */
    private static final class Loaded {
        static final Manifest MANIFEST = load();
    }

    private static Manifest load() {
        try (InputStream in = resource(MANIFEST)) {
            if (in == null) {
                return null;
            }
            Manifest m = Manifest.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            String scripts = scriptsDigest(SqliteTemplate.class.getClassLoader());
            if (m == null || !m.scripts().equals(scripts)) {
                LOG.fine(
                        "the schema template does not match the migration scripts; every database goes through Flyway");
                return null;
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> history(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return history(c);
        }
    }

    private static List<String> history(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(HISTORY_QUERY)) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getBoolean(5));
            }
        }
        return rows;
    }

    /**
     * SHA-256 over every file under SQLite's {@link Database#migrations} on the class path (path, length, bytes, in
     * path order), from a directory or a jar alike; null when a location cannot be listed or a path appears twice.
     */
    static String scriptsDigest(ClassLoader loader) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        for (String location : Database.migrations(false)) {
            for (URL url : Collections.list(loader.getResources(location))) {
                if (!collect(url, location, files)) {
                    return null;
                }
            }
        }
        MessageDigest sha = Hex.digest("SHA-256");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update(
                    ByteBuffer.allocate(Long.BYTES).putLong(f.getValue().length).array());
            sha.update(f.getValue());
        }
        return Hex.of(sha.digest());
    }

    private static boolean collect(URL url, String location, Map<String, byte[]> into) throws IOException {
        return switch (url.getProtocol()) {
            case "file" -> collectDirectory(url, location, into);
            case "jar" -> collectJarDirectory((JarURLConnection) url.openConnection(), location, into);
            default -> false;
        };
    }

    private static boolean collectDirectory(URL url, String location, Map<String, byte[]> into) throws IOException {
        Path dir;
        try {
            dir = Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : (Iterable<Path>) list.filter(Files::isRegularFile)::iterator) {
                if (into.put(location + "/" + p.getFileName(), Files.readAllBytes(p)) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean collectJarDirectory(JarURLConnection conn, String location, Map<String, byte[]> into)
            throws IOException {
        conn.setUseCaches(false); // a JarFile of our own, closed here
        String prefix = location + "/";
        try (JarFile jar = conn.getJarFile()) {
            for (JarEntry e : Collections.list(jar.entries())) {
                String name = e.getName();
                if (e.isDirectory() || !name.startsWith(prefix) || name.indexOf('/', prefix.length()) >= 0) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(e)) {
                    if (into.put(name, in.readAllBytes()) != null) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static InputStream resource(String name) {
        return SqliteTemplate.class.getClassLoader().getResourceAsStream(name);
    }

    private static boolean empty(Path file) throws IOException {
        return !Files.exists(file) || Files.size(file) == 0;
    }

    private static Path sidecar(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }
}
