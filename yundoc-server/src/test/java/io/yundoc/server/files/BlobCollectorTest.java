package io.yundoc.server.files;

import static io.yundoc.server.files.DriveFixture.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Identical uploads share one blob; a blob is deleted only when nothing refers to it and it is past its grace. */
class BlobCollectorTest {
    @RegisterExtension
    static final TestServerExtension server = TestServerExtension.embedded();

    static String blobKey(TestServer ts, String fileId) {
        return ts.server
                .database()
                .jdbi()
                .withHandle(h -> h.createQuery("SELECT blob_key FROM files WHERE file_id = :f")
                        .bind("f", fileId)
                        .mapTo(String.class)
                        .one());
    }

    /** What a recycle-bin purge or a destroy does: the file and its versions go. */
    static void purge(TestServer ts, String fileId) {
        ts.server.database().jdbi().useTransaction(h -> {
            h.createUpdate("DELETE FROM file_versions WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
            h.createUpdate("DELETE FROM files WHERE file_id = :f")
                    .bind("f", fileId)
                    .execute();
        });
    }

    @Test
    void collectsOnlyUnreferencedBlobsPastTheirGrace() {
        TestServer ts = server.get();
        DriveFixture d = new DriveFixture(ts);
        TestServer.User u = ts.user(ts.app("test"));
        JsonNode a = d.upload(u, "a.txt", "shared content", "path_from_root", "true");
        JsonNode b = d.upload(u, "b.txt", "shared content", "path_from_root", "true");
        JsonNode lonely = d.upload(u, "c.txt", "only me", "path_from_root", "true");
        String shared = blobKey(ts, id(a));
        assertThat(blobKey(ts, id(b))).isEqualTo(shared); // content-addressed: stored once
        String only = blobKey(ts, id(lonely));

        purge(ts, id(a));
        purge(ts, id(lonely));
        // within the grace period nothing goes, referenced or not
        assertThat(ts.server.blobCollector().collect()).isZero();
        assertThat(ts.blobExists(only)).isTrue();

        ts.adminOk("POST", "/clock", "{\"advance_seconds\":3700}");
        assertThat(ts.server.blobCollector().collect()).isEqualTo(1);
        assertThat(ts.blobExists(only)).isFalse();
        assertThat(ts.blobExists(shared)).isTrue(); // b still refers to it
        TestServer.User u2 = ts.user(ts.app("test"));
        JsonNode dl = d.ok(
                u2,
                "GET",
                "/files/" + id(d.upload(u2, "again.txt", "only me", "path_from_root", "true")) + "/download",
                null);
        // re-uploading collected content stores it again
        assertThat(ts.sendBytes("GET", dl.get("url").asText(), null).body())
                .isEqualTo("only me".getBytes(StandardCharsets.UTF_8));

        // an old, unreferenced blob that an upload re-uses is touched and survives the next pass
        purge(ts, id(b));
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":3700}");
        JsonNode again = d.upload(u2, "shared.txt", "shared content", "path_from_root", "true");
        assertThat(ts.server.blobCollector().collect()).isZero();
        assertThat(ts.blobExists(shared)).isTrue();
        JsonNode dl2 = d.ok(u2, "GET", "/files/" + id(again) + "/download", null);
        assertThat(ts.sendBytes("GET", dl2.get("url").asText(), null).body())
                .isEqualTo("shared content".getBytes(StandardCharsets.UTF_8));
        // and blob rows never point at missing bytes
        ts.server
                .database()
                .jdbi()
                .useHandle(h -> h.createQuery("SELECT blob_key FROM blobs")
                        .mapTo(String.class)
                        .list()
                        .forEach(k -> assertThat(ts.blobExists(k)).as(k).isTrue()));
    }
}
