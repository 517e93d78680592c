package io.yundoc.server.appspace;

import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.core.Database;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * The same index on PostgreSQL (a fresh schema, migrated by Flyway). The test tables are empty, so sequential scans
 * are switched off for the plan: without the index the planner has nothing else and still scans.
 */
// integration phase (Failsafe, mvn verify): PostgreSQL
@Tag("integration")
class AnonPreviewFileIndexPostgresTest extends AnonPreviewFileIndexTest {
    @Override
    Database openDatabase(Path dir) {
        return Database.open(ScaleOutBackends.jdbcUrl(ScaleOutBackends.newSchema()), dir);
    }

    @Override
    List<String> plan(String sql) {
        return db.jdbi().inTransaction(h -> {
            h.execute("SET LOCAL enable_seqscan = off");
            return h.createQuery("EXPLAIN " + sql).mapTo(String.class).list();
        });
    }
}
