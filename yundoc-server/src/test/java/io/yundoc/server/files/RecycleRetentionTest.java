package io.yundoc.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** --recycle-retention: recycle-bin items older than the retention are purged for good; younger ones stay. */
class RecycleRetentionTest {
    static final String API = "/api/v1/openapi/personal";
    /** One day of retention; each test moves its own server's clock. */
    @RegisterExtension
    static final TestServerExtension retaining =
            TestServerExtension.embedded(b -> b.recycleRetention(Duration.ofDays(1)));

    @RegisterExtension
    static final TestServerExtension plain = TestServerExtension.embedded();

    @Test
    void itemsPastTheRetentionArePurgedAndTheirContentCollected() {
        TestServer ts = retaining.get();
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String old = upload(ts, u, "old.txt", "old bytes");
        String fresh = upload(ts, u, "fresh.txt", "fresh bytes");
        assertThat(TestServer.json(ts.send("DELETE", API + "/files/" + old + "?access_token=" + u.token(), null))
                        .get("code")
                        .asInt())
                .isZero();
        ts.advanceClock(20 * 3600);
        assertThat(TestServer.json(ts.send("DELETE", API + "/files/" + fresh + "?access_token=" + u.token(), null))
                        .get("code")
                        .asInt())
                .isZero();
        assertThat(recycled(ts, u)).hasSize(2);

        ts.advanceClock(5 * 3600); // old: 25 h in the bin, fresh: 5 h
        u = ts.token(app, u.userId()); // the first token has expired meanwhile
        assertThat(ts.server.purgeExpiredRecycleItems()).isEqualTo(1);
        JsonNode left = recycled(ts, u);
        assertThat(left).hasSize(1);
        assertThat(left.get(0).get("id").get("open_id").asText()).isEqualTo(fresh);
        // the purged item cannot be recovered any more
        JsonNode recover = TestServer.json(ts.send(
                "POST", API + "/recycles/recover?access_token=" + u.token(), "{\"file_tokens\":[\"" + old + "\"]}"));
        assertThat(recover.get("code").asInt()).isEqualTo(30012);
    }

    @Test
    void offByDefault() {
        TestServer ts = plain.get();
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String f = upload(ts, u, "keep.txt", "kept");
        ts.send("DELETE", API + "/files/" + f + "?access_token=" + u.token(), null);
        ts.advanceClock(400L * 86_400);
        u = ts.token(app, u.userId());
        assertThat(ts.server.purgeExpiredRecycleItems()).isZero();
        assertThat(recycled(ts, u)).hasSize(1);
    }

    static JsonNode recycled(TestServer ts, TestServer.User u) {
        return TestServer.json(ts.send("GET", API + "/recycles?access_token=" + u.token(), null))
                .get("data");
    }

    static String upload(TestServer ts, TestServer.User u, String name, String text) {
        byte[] body = TestServer.multipart(
                "rb", name, "text/plain", text.getBytes(StandardCharsets.UTF_8), "path_from_root", "true");
        var r = ts.sendBody(
                "POST",
                API + "/files/upload?access_token=" + u.token(),
                body,
                "Content-Type",
                "multipart/form-data; boundary=rb");
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }
}
