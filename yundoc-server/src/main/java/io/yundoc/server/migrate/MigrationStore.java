package io.yundoc.server.migrate;

import io.yundoc.protocol.Hex;
import io.yundoc.server.core.Database;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The SQL of {@code yundoc admin migrate}: the tables of an embedded database, copied row by row into PostgreSQL
 * over plain JDBC (whatever the tables hold, typed by the target's columns), and fingerprinted on both sides.
 */
final class MigrationStore {
    private static final List<String> SKIP = List.of("flyway_schema_history");

    private MigrationStore() {}

    /** One table's fingerprint on each side: {rows, xor of row hashes (hi), (lo)}. */
    @SuppressWarnings("ArrayRecordComponent") // compared field by field with Arrays.equals, never as records
    record TableCheck(String table, long[] source, long[] target) {}

    static List<String> tables(Database db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String t = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
                // the content-search index is dialect-specific (FTS5 here, pg_trgm there): it is rebuilt, not copied
                if (!SKIP.contains(t) && !t.startsWith("sqlite_") && !t.startsWith("file_text")) {
                    out.add(t);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Refuses a target that holds rows in any of the tables: a migration goes into a fresh database. */
    static void requireEmpty(Database dst, List<String> tables) throws SQLException {
        try (Connection c = dst.dataSource().getConnection();
                Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t)) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new IllegalStateException(
                                "target table " + t + " is not empty: migrate into a fresh database/schema");
                    }
                }
            }
        }
    }

    /** Copies every row of the tables in one target transaction; {@code copied} hears each table's row count. */
    static void copyRows(Database src, Database dst, List<String> tables, BiConsumer<String, Long> copied)
            throws SQLException {
        try (Connection s = src.dataSource().getConnection();
                Connection d = dst.dataSource().getConnection()) {
            d.setAutoCommit(false);
            try {
                for (String t : tables) {
                    Map<String, Integer> types = columnTypes(d, t);
                    List<String> cols = new ArrayList<>(types.keySet());
                    String sql = "INSERT INTO " + t + " (" + String.join(", ", cols) + ") VALUES ("
                            + String.join(", ", cols.stream().map(x -> "?").toList()) + ")";
                    long n = 0;
                    try (Statement st = s.createStatement();
                            ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + t);
                            PreparedStatement ps = d.prepareStatement(sql)) {
                        while (rs.next()) {
                            for (int i = 0; i < cols.size(); i++) {
                                bind(ps, i + 1, rs.getObject(i + 1), types.get(cols.get(i)));
                            }
                            ps.addBatch();
                            if (++n % 500 == 0) {
                                ps.executeBatch();
                            }
                        }
                        ps.executeBatch();
                    }
                    copied.accept(t, n);
                }
                d.commit();
            } catch (SQLException | RuntimeException e) {
                d.rollback();
                throw e;
            }
        }
    }

    /** Target column name → JDBC type, in the target's column order. */
    private static Map<String, Integer> columnTypes(Connection c, String table) throws SQLException {
        Map<String, Integer> m = new LinkedHashMap<>();
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getColumns(null, c.getSchema(), table, null)) {
            while (rs.next()) {
                m.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
            }
        }
        if (m.isEmpty()) {
            throw new IllegalStateException("target has no table " + table + " (schema versions differ?)");
        }
        return m;
    }

    private static void bind(PreparedStatement ps, int i, Object v, int type) throws SQLException {
        if (v == null) {
            ps.setNull(i, type);
        } else if (type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT) {
            long l = v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
            if (type == Types.BIGINT) {
                ps.setLong(i, l);
            } else {
                ps.setInt(i, Math.toIntExact(l));
            }
        } else {
            ps.setString(i, v.toString());
        }
    }

    /** The blob rows, by key: {key, size, sha1, md5}. */
    static List<String[]> blobRows(Database db) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT blob_key, size, sha1, md5 FROM blobs ORDER BY blob_key")) {
            while (rs.next()) {
                rows.add(
                        new String[] {rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(3), rs.getString(4)});
            }
        }
        return rows;
    }

    /** The tables' fingerprints in the source and in the target, over the target's columns. */
    static List<TableCheck> fingerprints(Database src, Database dst, List<String> tables) throws SQLException {
        List<TableCheck> out = new ArrayList<>();
        try (Connection s = src.dataSource().getConnection();
                Connection d = dst.dataSource().getConnection()) {
            for (String t : tables) {
                List<String> cols = new ArrayList<>(columnTypes(d, t).keySet());
                out.add(new TableCheck(t, digest(s, t, cols), digest(d, t, cols)));
            }
        }
        return out;
    }

    /** Queues the target's live files for content indexing, except those recorded as not indexable. */
    static int queueForIndexing(Database dst, long now) {
        return dst.jdbi()
                .withHandle(h -> h.createUpdate("INSERT INTO index_queue (file_id, queued_at) "
                                + "SELECT file_id, :now FROM files WHERE kind = 'file' AND deleted_at IS NULL AND blob_key IS NOT NULL "
                                // files recorded as not indexable (copied with the other tables) are not tried again
                                + "AND file_id NOT IN (SELECT file_id FROM index_failures) "
                                + "ON CONFLICT (file_id) DO NOTHING")
                        .bind("now", now)
                        .execute());
    }

    /** {rows, xor of row hashes (hi), (lo)}: an order-independent fingerprint of a table's contents. */
    private static long[] digest(Connection c, String table, List<String> cols) throws SQLException {
        long rows = 0;
        long x1 = 0;
        long x2 = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + String.join(", ", cols) + " FROM " + table)) {
            while (rs.next()) {
                MessageDigest md = Hex.digest("SHA-256");
                for (int i = 1; i <= cols.size(); i++) {
                    Object v = rs.getObject(i);
                    String s = v == null
                            ? "\u0001null"
                            : v instanceof Number n ? Long.toString(n.longValue()) : v.toString();
                    md.update(s.getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
                byte[] h = md.digest();
                x1 ^= ByteBuffer.wrap(h, 0, 8).getLong();
                x2 ^= ByteBuffer.wrap(h, 8, 8).getLong();
                rows++;
            }
        }
        return new long[] {rows, x1, x2};
    }
}
