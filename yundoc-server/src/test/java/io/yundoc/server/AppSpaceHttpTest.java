package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** App space over HTTP with WPS-2: create, upload, versions by re-upload, isolation, signature variants. api.md §5.9, §3.4. */
class AppSpaceHttpTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static final String BASE = "/api/v1/openapi/appspace/files";

    static HttpResponse<String> create(TestServer.App app, String json) {
        return ts.signed(app, "POST", BASE, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).isZero();
        return n.get("data");
    }

    static JsonNode error(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode n = TestServer.json(r);
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(n.has("data")).isFalse();
        return n;
    }

    static HttpResponse<String> upload(
            TestServer.App app, String name, String partType, byte[] content, String... fields) {
        String boundary = "as-" + Long.toHexString(System.nanoTime());
        return ts.signed(
                app,
                "POST",
                BASE + "/upload",
                TestServer.multipart(boundary, name, partType, content, fields),
                "multipart/form-data; boundary=" + boundary);
    }

    static JsonNode info(TestServer.App app, String ft) {
        return ok(ts.signed(app, "GET", BASE + "/" + ft, null, "application/json"));
    }

    @Test
    void createWithoutExtension() {
        TestServer.App app = ts.app("test");
        JsonNode d = ok(create(app, "{\"filename\":\"demo\"}"));
        assertThat(d.get("name").asText()).isEqualTo("demo");
        assertThat(d.get("size").asLong()).isZero();
        assertThat(d.get("content_type").asText()).isEqualTo("application/octet-stream");
        assertThat(d.get("version").asLong()).isEqualTo(1);
        assertThat(d.get("type").asText()).isEqualTo("normal_file");
        assertThat(d.get("parent_token").asText()).isEmpty();
        assertThat(d.get("file_token").asText()).matches("[A-Za-z0-9_-]{1,64}");
        // GET answers the same
        assertThat(info(app, d.get("file_token").asText())).isEqualTo(d);
    }

    @Test
    void createInParentPathMakesFolders() {
        TestServer.App app = ts.app("test");
        JsonNode d = ok(create(app, "{\"filename\":\"a.ksheet\",\"parent_path\":[\"x\",\"y\"]}"));
        assertThat(d.get("name").asText()).isEqualTo("a.ksheet");
        assertThat(d.get("size").asLong()).isZero();
        String y = d.get("parent_token").asText();
        assertThat(y).isNotEmpty();
        JsonNode yInfo = info(app, y);
        assertThat(yInfo.get("type").asText()).isEqualTo("folder");
        assertThat(yInfo.get("name").asText()).isEqualTo("y");
        assertThat(yInfo.get("size").asLong()).isZero();
        String x = yInfo.get("parent_token").asText();
        assertThat(x).isNotEmpty();
        JsonNode xInfo = info(app, x);
        assertThat(xInfo.get("type").asText()).isEqualTo("folder");
        assertThat(xInfo.get("name").asText()).isEqualTo("x");
        assertThat(xInfo.get("parent_token").asText()).isEmpty();
        // the same path again reuses the folders
        JsonNode d2 = ok(create(app, "{\"filename\":\"b.docx\",\"parent_path\":[\"x\",\"y\"]}"));
        assertThat(d2.get("parent_token").asText()).isEqualTo(y);
        // and parent_token alone places into that folder
        JsonNode d3 = ok(create(app, "{\"filename\":\"c.docx\",\"parent_token\":\"" + x + "\"}"));
        assertThat(d3.get("parent_token").asText()).isEqualTo(x);
    }

    @Test
    void parentTokenWithParentPathIs10001() {
        TestServer.App app = ts.app("test");
        error(create(app, "{\"filename\":\"p.docx\",\"parent_token\":\"\",\"parent_path\":[\"x\"]}"), 400, 10001);
        // the refused request created no folder x: a file named x can take the name
        JsonNode f = ok(create(app, "{\"filename\":\"x\"}"));
        assertThat(f.get("type").asText()).isEqualTo("normal_file");
        // an unsupported extension → 10001
        error(create(app, "{\"filename\":\"p.txt\"}"), 400, 10001);
        error(create(app, "{}"), 400, 10001);
    }

    @Test
    void duplicateCreateIs30015() {
        TestServer.App app = ts.app("test");
        ok(create(app, "{\"filename\":\"dup.docx\"}"));
        error(create(app, "{\"filename\":\"dup.docx\",\"creator\":\"someone\"}"), 409, 30015);
        error(create(app, "{\"filename\":\"DUP.docx\",\"creator\":1}"), 409, 30015); // names compare case-insensitively
        // another app's space is separate
        ok(create(ts.app("test"), "{\"filename\":\"dup.docx\"}"));
    }

    @Test
    void uploadsOfDifferentSizes() {
        TestServer.App app = ts.app("test");
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Object[][] cases = {
            {"zero.bin", "application/x-empty-test", new byte[0]},
            {"one.txt", "text/plain", new byte[] {'!'}},
            {"big.png", "image/png", big},
        };
        for (Object[] c : cases) {
            String name = (String) c[0];
            byte[] content = (byte[]) c[2];
            JsonNode d = ok(upload(app, name, (String) c[1], content));
            assertThat(d.get("name").asText()).isEqualTo(name);
            assertThat(d.get("size").asLong()).as(name).isEqualTo(content.length);
            assertThat(d.get("content_type").asText()).as(name).isEqualTo(c[1]);
            assertThat(d.get("version").asLong()).isEqualTo(1);
            assertThat(d.get("parent_token").asText()).isEmpty();
            assertThat(info(app, d.get("file_token").asText())).isEqualTo(d);
        }
        // without a part Content-Type → application/octet-stream
        JsonNode d = ok(upload(app, "untyped.dat", null, new byte[] {1, 2}));
        assertThat(d.get("content_type").asText()).isEqualTo("application/octet-stream");
    }

    @Test
    void reUploadOfTheSameNameIsANewVersion() {
        TestServer.App app = ts.app("test");
        JsonNode v1 =
                ok(upload(app, "report.xlsx", "application/octet-stream", "first".getBytes(StandardCharsets.UTF_8)));
        JsonNode v2 = ok(upload(
                app,
                "report.xlsx",
                "application/vnd.ms-excel",
                "second, longer".getBytes(StandardCharsets.UTF_8),
                "creator",
                "bob"));
        assertThat(v2.get("file_token").asText()).isEqualTo(v1.get("file_token").asText());
        assertThat(v2.get("version").asLong()).isEqualTo(2);
        assertThat(v2.get("size").asLong()).isEqualTo("second, longer".length());
        assertThat(v2.get("content_type").asText()).isEqualTo("application/vnd.ms-excel");
        assertThat(v2.get("ctime").asLong()).isEqualTo(v1.get("ctime").asLong());
        assertThat(v2.get("modifier").asText()).isEqualTo("bob");
        assertThat(v2.get("modifier").isTextual())
                .as("a string modifier stays a string")
                .isTrue();
        JsonNode now = info(app, v1.get("file_token").asText());
        assertThat(now.get("version").asLong()).isEqualTo(2);
        assertThat(now.get("size").asLong()).isEqualTo("second, longer".length());
    }

    @Test
    void bodyNotMatchingContentMd5StoresNothing() {
        TestServer.App app = ts.app("test");
        SortedSet<String> before = ts.blobFiles();
        String boundary = "md5-mismatch-boundary";
        byte[] content = new byte[100_000];
        new Random(3).nextBytes(content);
        byte[] signedBody = TestServer.multipart(boundary, "tamper.bin", "application/octet-stream", content);
        byte[] sentBody = signedBody.clone();
        sentBody[sentBody.length / 2] ^= 0x01; // inside the file part
        String md5 = TestServer.hex("MD5", signedBody);
        String ct = "multipart/form-data; boundary=" + boundary;
        String date = ts.date();
        HttpResponse<String> r = ts.sendBody(
                "POST",
                BASE + "/upload",
                sentBody,
                "Date",
                date,
                "Content-Md5",
                md5,
                "Content-Type",
                ct,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5, ct, date));
        JsonNode e = error(r, 401, 30003);
        assertThat(e.get("hint").asText()).isEqualTo("content md5 not match");
        assertThat(ts.blobFiles()).as("no blob and no temp file kept").isEqualTo(before);
        // no file of that name came into being: a correct upload now is version 1
        JsonNode d = ok(upload(app, "tamper.bin", "application/octet-stream", content));
        assertThat(d.get("version").asLong()).isEqualTo(1);
    }

    @Test
    void anotherAppsTokenIs30012() {
        TestServer.App a = ts.app("test");
        TestServer.App b = ts.app("test");
        String ft =
                ok(create(a, "{\"filename\":\"mine.docx\"}")).get("file_token").asText();
        error(ts.signed(b, "GET", BASE + "/" + ft, null, "application/json"), 404, 30012);
        // placing into another app's folder is 30012 too
        String folder = ok(create(a, "{\"filename\":\"f.docx\",\"parent_path\":[\"private\"]}"))
                .get("parent_token")
                .asText();
        error(create(b, "{\"filename\":\"intrude.docx\",\"parent_token\":\"" + folder + "\"}"), 404, 30012);
        error(ts.signed(b, "GET", BASE + "/" + "unknownToken123", null, "application/json"), 404, 30012);
    }

    @Test
    void getSignatureVariantsAreAccepted() {
        TestServer.App app = ts.app("test");
        String ft = ok(create(app, "{\"filename\":\"variants.docx\"}"))
                .get("file_token")
                .asText();
        String path = BASE + "/" + ft;
        String query = "?offset=0&count=10";

        // md5 of the path
        assertVariant(app, path, TestServer.hex("MD5", path.getBytes(StandardCharsets.UTF_8)), "application/json", ft);
        // md5 of path?query, with that query sent
        assertVariant(
                app,
                path + query,
                TestServer.hex("MD5", (path + query).getBytes(StandardCharsets.UTF_8)),
                "application/json",
                ft);
        // md5 of the path alone while a query is sent
        assertVariant(
                app,
                path + query,
                TestServer.hex("MD5", path.getBytes(StandardCharsets.UTF_8)),
                "application/json",
                ft);
        // uppercase hex
        assertVariant(app, path, TestServer.hex("MD5", new byte[0]).toUpperCase(Locale.ROOT), "application/json", ft);
        // Content-Type with charset
        assertVariant(app, path, TestServer.hex("MD5", new byte[0]), "application/json;charset=utf-8", ft);
        assertVariant(app, path, TestServer.hex("MD5", new byte[0]), "application/json; charset=utf-8", ft);
        // uppercase hex in the signature itself
        String md5 = TestServer.hex("MD5", new byte[0]);
        String date = ts.date();
        String auth = TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", date);
        String upperSig = auth.substring(0, auth.lastIndexOf(':') + 1)
                + auth.substring(auth.lastIndexOf(':') + 1).toUpperCase(Locale.ROOT);
        ok(ts.send(
                "GET",
                path,
                null,
                "Authorization",
                upperSig,
                "Date",
                date,
                "Content-Md5",
                md5,
                "Content-Type",
                "application/json"));

        // the WPS-2 prefix is case-insensitive
        String d3 = ts.date();
        String lower = "wps-2"
                + TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", d3)
                        .substring(5);
        ok(ts.send(
                "GET",
                path,
                null,
                "Authorization",
                lower,
                "Date",
                d3,
                "Content-Md5",
                md5,
                "Content-Type",
                "application/json"));
        // signed with "" as Content-Type (GET second candidate) while sending application/json, and with no
        // Content-Type
        String d4 = ts.date();
        String emptyCt = TestServer.wps2(app.appId(), app.appKey(), md5, "", d4);
        ok(ts.send(
                "GET",
                path,
                null,
                "Authorization",
                emptyCt,
                "Date",
                d4,
                "Content-Md5",
                md5,
                "Content-Type",
                "application/json"));
        ok(ts.send("GET", path, null, "Authorization", emptyCt, "Date", d4, "Content-Md5", md5));
        // lenient Date forms of §3.4 step 4, each signed as sent
        ZonedDateTime now = ts.server().clock().instant().atZone(ZoneOffset.UTC);
        for (String form : new String[] {
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ENGLISH)
                    .format(now),
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
                    .format(now.withZoneSameInstant(ZoneOffset.ofHours(8))),
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ENGLISH)
                    .format(now),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH)
                    .format(now)
        }) {
            HttpResponse<String> r = ts.send(
                    "GET",
                    path,
                    null,
                    "Authorization",
                    TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", form),
                    "Date",
                    form,
                    "Content-Md5",
                    md5,
                    "Content-Type",
                    "application/json");
            assertThat(r.statusCode()).as("Date: " + form + " → " + r.body()).isEqualTo(200);
        }

        // header names in other spellings (one SDK sends DATE), over a raw socket so nothing normalises them
        String rawDate = ts.date();
        String rawAuth = TestServer.wps2(app.appId(), app.appKey(), md5, "application/json", rawDate);
        TestServer.RawResponse rr = ts.raw(("GET " + path + " HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + ts.server().port() + "\r\n"
                        + "DATE: " + rawDate + "\r\n"
                        + "CONTENT-MD5: " + md5 + "\r\n"
                        + "content-type: application/json\r\n"
                        + "AUTHORIZATION: " + rawAuth + "\r\n"
                        + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(rr.status()).as(rr.bodyText()).isEqualTo(200);
        assertThat(rr.bodyText()).contains("\"file_token\":\"" + ft + "\"");

        // a wrong md5 (of another path) is still refused
        String wrong = TestServer.hex("MD5", (BASE + "/other").getBytes(StandardCharsets.UTF_8));
        String d2 = ts.date();
        JsonNode e = error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        TestServer.wps2(app.appId(), app.appKey(), wrong, "application/json", d2),
                        "Date",
                        d2,
                        "Content-Md5",
                        wrong,
                        "Content-Type",
                        "application/json"),
                401,
                30003);
        assertThat(e.get("hint").asText()).isEqualTo("content md5 not match");
    }

    static void assertVariant(TestServer.App app, String target, String md5, String ct, String ft) {
        String date = ts.date();
        HttpResponse<String> r = ts.send(
                "GET",
                target,
                null,
                "Authorization",
                TestServer.wps2(app.appId(), app.appKey(), md5, ct, date),
                "Date",
                date,
                "Content-Md5",
                md5,
                "Content-Type",
                ct);
        assertThat(r.statusCode())
                .as(target + " md5=" + md5 + " ct=" + ct + ": " + r.body())
                .isEqualTo(200);
        assertThat(TestServer.json(r).get("data").get("file_token").asText()).isEqualTo(ft);
    }
}
