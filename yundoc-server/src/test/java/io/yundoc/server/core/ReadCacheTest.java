package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded-mode row cache on a real SQLite database: what a committed write invalidates, and when. */
class ReadCacheTest {
    @TempDir
    Path dir;

    private Database db;
    private Jdbi jdbi;
    private ReadCache cache;
    private ReadCache.Region<String, String> names;
    private final AtomicInteger loads = new AtomicInteger();

    @BeforeEach
    void open() {
        db = Database.open(null, dir);
        jdbi = db.jdbi();
        cache = db.readCache();
        names = cache.region(1000);
        jdbi.useHandle(h -> h.execute("CREATE TABLE cache_probe (id TEXT PRIMARY KEY, name TEXT)"));
        jdbi.useHandle(h -> h.execute("INSERT INTO cache_probe VALUES ('a', 'one')"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String read(String id) {
        return names.get(id, k -> {
            loads.incrementAndGet();
            return jdbi.withHandle(h -> h.createQuery("SELECT name FROM cache_probe WHERE id = :id")
                    .bind("id", k)
                    .mapTo(String.class)
                    .findOne()
                    .orElse(null));
        });
    }

    @Test
    void embeddedDatabaseCachesAndPostgresWouldNot() {
        assertThat(cache.enabled()).isTrue();
        assertThat(ReadCache.disabled().enabled()).isFalse();
        ReadCache.Region<String, String> off = ReadCache.disabled().region(10);
        AtomicInteger n = new AtomicInteger();
        off.get("k", k -> "v" + n.incrementAndGet());
        assertThat(off.get("k", k -> "v" + n.incrementAndGet())).isEqualTo("v2");
    }

    @Test
    void readsAreServedFromMemoryUntilAWriteCommits() {
        assertThat(read("a")).isEqualTo("one");
        assertThat(read("a")).isEqualTo("one");
        assertThat(loads).hasValue(1);
        long before = cache.generation();
        jdbi.useHandle(h -> h.createQuery("SELECT COUNT(*) FROM cache_probe")
                .mapTo(Integer.class)
                .one());
        assertThat(cache.generation()).as("a read does not invalidate").isEqualTo(before);

        jdbi.useHandle(h -> h.createUpdate("UPDATE cache_probe SET name = 'two' WHERE id = 'a'")
                .execute());
        assertThat(cache.generation()).isGreaterThan(before);
        assertThat(read("a")).isEqualTo("two");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aTransactionInvalidatesAtItsCommitNotBefore() {
        assertThat(read("a")).isEqualTo("one");
        jdbi.useTransaction(h -> {
            long during = cache.generation();
            h.createUpdate("UPDATE cache_probe SET name = 'three' WHERE id = 'a'")
                    .execute();
            assertThat(cache.generation()).as("nothing committed yet").isEqualTo(during);
        });
        assertThat(read("a")).isEqualTo("three");
    }

    @Test
    void aRolledBackTransactionLeavesTheDataAsItWas() {
        assertThat(read("a")).isEqualTo("one");
        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
                    h.createUpdate("UPDATE cache_probe SET name = 'lost' WHERE id = 'a'")
                            .execute();
                    throw new IllegalStateException("abort");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(read("a")).isEqualTo("one");
    }

    @Test
    void plainJdbcWritesThroughAHandleCountToo() throws Exception {
        assertThat(read("a")).isEqualTo("one");
        jdbi.useHandle(h -> {
            try (var st = h.getConnection().createStatement()) {
                st.executeUpdate("UPDATE cache_probe SET name = 'four' WHERE id = 'a'");
            }
        });
        assertThat(read("a")).isEqualTo("four");
        jdbi.useHandle(h -> {
            try (var ps = h.getConnection().prepareStatement("DELETE FROM cache_probe WHERE id = ?")) {
                ps.setString(1, "a");
                ps.executeUpdate();
            }
        });
        assertThat(read("a")).isNull();
    }

    @Test
    void absentRowsAreNotKept() {
        assertThat(read("b")).isNull();
        assertThat(read("b")).isNull();
        assertThat(loads).hasValue(2);
        jdbi.useHandle(h -> h.execute("INSERT INTO cache_probe VALUES ('b', 'bee')"));
        assertThat(read("b")).isEqualTo("bee");
    }

    @Test
    void aLoadOverlappingACommitIsNotKept() {
        String seen = names.get("a", k -> {
            // a write commits while this reader is loading: what it read may be stale, so it must not be cached
            jdbi.useHandle(h -> h.createUpdate("UPDATE cache_probe SET name = 'five' WHERE id = 'a'")
                    .execute());
            return "one";
        });
        assertThat(seen).isEqualTo("one");
        assertThat(read("a")).isEqualTo("five");
    }

    @Test
    void statementsAreClassifiedConservatively() {
        assertThat(ReadCache.plainSelect("SELECT * FROM files WHERE file_id = ?"))
                .isTrue();
        assertThat(ReadCache.plainSelect("  select 1")).isTrue();
        assertThat(ReadCache.plainSelect("INSERT INTO t VALUES (1)")).isFalse();
        assertThat(ReadCache.plainSelect("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"))
                .isFalse();
        assertThat(ReadCache.plainSelect("SELECT * FROM t FOR UPDATE")).isFalse();
        assertThat(ReadCache.plainSelect("SELECT 1; DELETE FROM t")).isFalse();
        assertThat(ReadCache.plainSelect("SELECT * INTO t2 FROM t")).isFalse();
        assertThat(ReadCache.plainSelect("PRAGMA wal_checkpoint")).isFalse();
    }

    @Test
    void theRegionStaysBounded() {
        ReadCache.Region<Integer, Integer> small = cache.region(3);
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            small.get(i, k -> n.incrementAndGet());
        }
        small.get(9, k -> n.incrementAndGet());
        assertThat(n).as("the newest entry survives the clear").hasValue(10);
        small.get(0, k -> n.incrementAndGet());
        assertThat(n).as("old entries were dropped").hasValue(11);
    }
}
