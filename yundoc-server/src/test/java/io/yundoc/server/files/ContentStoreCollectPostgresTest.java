package io.yundoc.server.files;

import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.core.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** The same collection rules on PostgreSQL, where several instances share the pins (a fresh schema per test). */
// integration phase (Failsafe, mvn verify): PostgreSQL
@Tag("integration")
class ContentStoreCollectPostgresTest extends ContentStoreCollectTest {
    @Override
    Database openDatabase(Path dir) {
        return Database.open(ScaleOutBackends.jdbcUrl(ScaleOutBackends.newSchema()), dir);
    }
}
