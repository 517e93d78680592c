package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.ScaleOutBackends;
import io.yundoc.server.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code yundoc admin migrate} from a populated embedded data dir into a fresh PostgreSQL schema + S3 prefix: the
 * command verifies itself, and a scale-out server on the target then serves every file, version, link and token.
 */
// integration phase (Failsafe, mvn verify): PostgreSQL, Redis and S3Mock
@Tag("integration")
class MigrateTest {

    static int run(ByteArrayOutputStream captured, String... args) {
        PrintStream old = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return Main.commandLine(args).execute(args);
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void embeddedToScaleOutKeepsEveryFileVersionLinkTokenAndChecksum() throws Exception {
        Path data = Files.createTempDirectory("yundoc-embedded");
        byte[] one = "first file 第一".getBytes(StandardCharsets.UTF_8);
        byte[] two = new byte[700_000];
        new Random(3).nextBytes(two);
        String token;
        String appId;
        String appKey;
        String ft1;
        String ft2;
        String sid;
        try (TestServer ts = new TestServer(b -> b.dataDir(data))) {
            assertThat(ts.server.database().postgres()).isFalse();
            TestServer.App app = ts.app("test");
            appId = app.appId();
            appKey = app.appKey();
            TestServer.User u = ts.user(app);
            token = u.token();
            ft1 = upload(ts, token, "one.txt", one);
            ft2 = upload(ts, token, "two.bin", two);
            JsonNode link = TestServer.json(ts.send(
                    "POST",
                    "/api/v1/openapi/personal/files/" + ft1 + "/links?access_token=" + token,
                    "{\"range\":\"anyone\",\"permission\":\"read\"}",
                    "Content-Type",
                    "application/json"));
            assertThat(link.get("code").asInt()).as(link.toString()).isZero();
            sid = TestServer.json(ts.send(
                            "GET", "/api/v1/openapi/personal/files/" + ft1 + "/links?access_token=" + token, null))
                    .get("data")
                    .get("sid")
                    .asText();
            ts.adminOk(
                    "POST",
                    "/fixtures",
                    "{\"files\":[{\"space\":\"app\",\"app_id\":\"" + appId + "\",\"id\":\"t2v4Ga8ZUYKc12KGMdEQpBh\","
                            + "\"name\":\"versions.txt\",\"version\":2,\"text\":\"version two\",\"versions\":[{\"version\":1,\"text\":\"version one\"}]}]}");
        }

        String schema = ScaleOutBackends.newSchema();
        String pg = ScaleOutBackends.jdbcUrl(schema);
        String s3 = ScaleOutBackends.s3().url("migrated-" + schema + "/");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = run(out, "admin", "migrate", "--from", data.toString(), "--to", pg, s3);
        String report = out.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertThat(code).as(report).isZero();
        assertThat(report)
                .contains("migration verified: OK")
                .contains("blobs in store")
                .containsPattern("files\\s+\\d+ rows\\s+ok")
                .containsPattern("tokens\\s+1 rows\\s+ok")
                .containsPattern("links\\s+1 rows\\s+ok")
                .containsPattern("file_versions\\s+\\d+ rows\\s+ok");

        // a second run refuses to mix into a populated target
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(run(again, "admin", "migrate", "--from", data.toString(), "--to", pg, s3))
                .isNotZero();

        try (TestServer ts =
                new TestServer(b -> b.db(pg).blobs(s3).quota(ScaleOutBackends.REDIS + "?prefix=" + schema + ":"))) {
            assertThat(ts.server.database().postgres()).isTrue();
            for (Object[] f : new Object[][] {{ft1, one}, {ft2, two}}) {
                JsonNode dl = TestServer.json(ts.send(
                        "GET", "/api/v1/openapi/personal/files/" + f[0] + "/download?access_token=" + token, null));
                assertThat(dl.get("code").asInt()).as(dl.toString()).isZero();
                byte[] bytes = (byte[]) f[1];
                assertThat(dl.get("data").get("checksums").get("sha1").asText())
                        .isEqualTo(TestServer.hex("SHA-1", bytes));
                assertThat(ts.sendBytes("GET", dl.get("data").get("url").asText(), null)
                                .body())
                        .isEqualTo(bytes);
            }
            assertThat(TestServer.json(ts.send(
                                    "GET",
                                    "/api/v1/openapi/personal/files/" + ft1 + "/links?access_token=" + token,
                                    null))
                            .get("data")
                            .get("sid")
                            .asText())
                    .isEqualTo(sid);
            HttpResponse<String> info = ts.signed(
                    new TestServer.App(appId, appKey),
                    "GET",
                    "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh",
                    null,
                    "application/json");
            assertThat(TestServer.json(info).get("code").asInt())
                    .as(info.body())
                    .isZero();
            assertThat(info.body()).contains("\"version\":2");
        } finally {
            try (var walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String upload(TestServer ts, String token, String name, byte[] content) throws IOException {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + token,
                TestServer.multipart("b0undary", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=b0undary");
        JsonNode n = TestServer.JSON.readTree(r.body());
        assertThat(n.get("code").asInt()).as(n.toString()).isZero();
        return n.get("data").get("id").get("open_id").asText();
    }
}
