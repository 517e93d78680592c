package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Wrong, missing and hostile input: the documented error for each (api.md §1.2, §1.3, §1.5, §2, §3.4, §5.4, §5.7),
 * and nothing left behind by a refused upload.
 */
class BadInputTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static TestServer.User owner;
    static String file;
    static final String API = "/api/v1/openapi";

    @BeforeAll
    static void start() {
        app = ts.app("test");
        owner = ts.user(app);
        file = upload(ts.get(), owner, "owned.txt", "owner's bytes".getBytes(StandardCharsets.UTF_8));
    }

    static String upload(TestServer s, TestServer.User u, String name, byte[] content) {
        HttpResponse<String> r = s.sendBody(
                "POST",
                API + "/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart("bib0undary", name, "text/plain", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=bib0undary");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }

    /** Asserts the documented error envelope: exactly code,msg,result,hint; the HTTP status; no stack trace text. */
    static JsonNode error(HttpResponse<String> r, int status, int code) {
        assertThat(r.statusCode()).as("HTTP status of " + r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("X-Request-Id")).as("X-Request-Id").isPresent();
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode n = TestServer.json(r);
        List<String> keys = new ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as(r.body()).containsExactly("code", "msg", "result", "hint");
        assertThat(n.get("code").isInt()).isTrue();
        assertThat(n.get("code").asInt()).as(r.body()).isEqualTo(code);
        assertThat(n.get("msg").asText()).isNotEmpty().isEqualTo(n.get("result").asText());
        assertThat(n.get("hint").isTextual()).isTrue();
        assertThat(r.body())
                .doesNotContain("Exception")
                .doesNotContain("at io.")
                .doesNotContain("at java.")
                .doesNotContain("\tat ");
        return n;
    }

    static void error(HttpResponse<String> r, int status, int code, String hint) {
        assertThat(error(r, status, code).get("hint").asText()).as(r.body()).isEqualTo(hint);
    }

    static HttpResponse<String> download(String ft, String token) {
        return ts.send("GET", API + "/personal/files/" + ft + "/download?access_token=" + token, null);
    }

    // ---------------- access tokens ----------------

    @Test
    void missingToken() {
        error(
                ts.send("GET", API + "/personal/files/" + file + "/download", null),
                401,
                20007,
                "access_token is required");
        error(
                ts.send("GET", API + "/personal/files/" + file + "/download?access_token=", null),
                401,
                20007,
                "access_token is required");
    }

    @Test
    void garbageToken() {
        error(download(file, "notarealtokennotarealtokennotare"), 401, 20007, "access_token is invalid");
        error(download(file, "x"), 401, 20007, "access_token is invalid");
    }

    @Test
    void expiredToken() {
        TestServer.User u = ts.user(app);
        String ft = upload(ts.get(), u, "exp.txt", new byte[] {1, 2, 3});
        assertThat(download(ft, u.token()).statusCode()).isEqualTo(200);
        ts.advanceClock(86_400 + 1);
        try {
            error(download(ft, u.token()), 401, 20007, "access_token expired");
        } finally {
            ts.advanceClock(-(86_400 + 1));
        }
    }

    @Test
    void bearerHeaderAcceptedAndQueryWins() {
        HttpResponse<String> r = ts.send(
                "GET", API + "/personal/files/" + file + "/download", null, "Authorization", "Bearer " + owner.token());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestServer.json(r).get("code").asInt()).isZero();
        // valid query, garbage header → the query is used
        r = ts.send(
                "GET",
                API + "/personal/files/" + file + "/download?access_token=" + owner.token(),
                null,
                "Authorization",
                "Bearer garbagegarbagegarbagegarbagegarb");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // garbage query, valid header → still the query
        r = ts.send(
                "GET",
                API + "/personal/files/" + file + "/download?access_token=garbagegarbagegarbagegarbagegarb",
                null,
                "Authorization",
                "Bearer " + owner.token());
        error(r, 401, 20007, "access_token is invalid");
    }

    @Test
    void wrongScope() {
        TestServer.User u = ts.user(app, "access_personal_files");
        error(download(file, u.token()), 403, 10003, "scope download_personal_files not granted");
    }

    // ---------------- ids and ownership ----------------

    @Test
    void unknownAndMalformedIds() {
        for (String id : List.of("doesNotExist123", "a.b", "a".repeat(65), "a~b")) {
            error(download(id, owner.token()), 404, 30012);
            error(
                    ts.send("GET", API + "/personal/files/" + id + "/links?access_token=" + owner.token(), null),
                    404,
                    30012);
        }
        // 64 accepted characters are a well-formed but unknown id: also 30012
        error(download("a".repeat(64), owner.token()), 404, 30012);
    }

    @Test
    void anotherUsersFile() {
        TestServer.User other = ts.user(app);
        error(download(file, other.token()), 404, 30012);
        error(
                ts.send("GET", API + "/personal/files/" + file + "/links?access_token=" + other.token(), null),
                404,
                30012);
        error(
                ts.send(
                        "POST",
                        API + "/personal/files/" + file + "/links?access_token=" + other.token(),
                        "{\"range\":\"anyone\",\"permission\":\"read\"}"),
                403,
                10003);
        // another app's token for another user: the same
        TestServer.User foreign = ts.user(ts.app("test"));
        error(download(file, foreign.token()), 404, 30012);
    }

    @Test
    void fileWithoutLink() {
        String ft = upload(ts.get(), owner, "nolink.txt", new byte[] {9});
        error(ts.send("GET", API + "/personal/files/" + ft + "/links?access_token=" + owner.token(), null), 404, 30014);
    }

    // ---------------- multipart ----------------

    @Test
    void malformedMultipartLeavesNothing() {
        SortedSet<String> before = ts.blobFiles();
        String url = API + "/personal/files/upload?access_token=" + owner.token();
        byte[] content = new byte[200_000];
        Arrays.fill(content, (byte) 'z');
        byte[] good = TestServer.multipart("mpb0undary", "mp.txt", "text/plain", content, "path_from_root", "true");

        // no boundary parameter
        error(ts.sendBody("POST", url, good, "Content-Type", "multipart/form-data"), 400, 10001);
        assertThat(ts.blobFiles()).as("after no-boundary").isEqualTo(before);

        // truncated: the file part never reaches its closing boundary
        byte[] truncated = Arrays.copyOf(good, good.length - 1000);
        error(
                ts.sendBody("POST", url, truncated, "Content-Type", "multipart/form-data; boundary=mpb0undary"),
                400,
                10001);
        assertThat(ts.blobFiles()).as("after truncated body").isEqualTo(before);

        // the whole body but without the final "--boundary--"
        String full = new String(good, StandardCharsets.ISO_8859_1);
        byte[] noClose = full.substring(0, full.lastIndexOf("--mpb0undary--")).getBytes(StandardCharsets.ISO_8859_1);
        error(
                ts.sendBody("POST", url, noClose, "Content-Type", "multipart/form-data; boundary=mpb0undary"),
                400,
                10001);
        assertThat(ts.blobFiles()).as("after missing close delimiter").isEqualTo(before);

        // no file part at all
        byte[] fieldsOnly = TestServer.multipart("mpb0undary", null, null, null, "path_from_root", "true");
        error(
                ts.sendBody("POST", url, fieldsOnly, "Content-Type", "multipart/form-data; boundary=mpb0undary"),
                400,
                10001);
        // a part named file but without filename is a field, not a file
        byte[] noFilename =
                "--mpb0undary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--mpb0undary--\r\n"
                        .getBytes(StandardCharsets.UTF_8);
        error(
                ts.sendBody("POST", url, noFilename, "Content-Type", "multipart/form-data; boundary=mpb0undary"),
                400,
                10001);
        // not multipart at all
        error(
                ts.sendBody(
                        "POST",
                        url,
                        "{\"file\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json"),
                400,
                10001);
        // a boundary that never appears in the body
        error(ts.sendBody("POST", url, good, "Content-Type", "multipart/form-data; boundary=other"), 400, 10001);

        assertThat(ts.blobFiles())
                .as("no new blobs and no temp files left in blobs/tmp")
                .isEqualTo(before);
        assertThat(ts.blobFiles()).noneMatch(p -> p.startsWith("tmp"));
    }

    @Test
    void oversizeUploadIs413AndStoresNothing() {
        try (TestServer small = new TestServer(b -> b.maxUpload(1024))) {
            TestServer.App a = small.app("test");
            TestServer.User u = small.user(a);
            SortedSet<String> before = small.blobFiles();
            assertThat(before).noneMatch(p -> p.startsWith("tmp"));
            String url = API + "/personal/files/upload?access_token=" + u.token();
            for (int size : new int[] {1025, 8 * 1024}) {
                byte[] body =
                        TestServer.multipart("osb0undary", "big.bin", null, new byte[size], "path_from_root", "true");
                error(
                        small.sendBody("POST", url, body, "Content-Type", "multipart/form-data; boundary=osb0undary"),
                        413,
                        30008);
                assertThat(small.blobFiles()).as("after " + size + " bytes").isEqualTo(before);
            }
            // exactly the limit is fine
            byte[] ok = TestServer.multipart("osb0undary", "ok.bin", null, new byte[1024], "path_from_root", "true");
            HttpResponse<String> r =
                    small.sendBody("POST", url, ok, "Content-Type", "multipart/form-data; boundary=osb0undary");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(TestServer.json(r).get("data").get("fsize").asLong()).isEqualTo(1024);
        }
    }

    // ---------------- JSON bodies ----------------

    @Test
    void linksPostBodyValidation() {
        String url = API + "/personal/files/" + file + "/links?access_token=" + owner.token();
        error(
                ts.send(
                        "POST",
                        url,
                        "range=anyone&permission=read",
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                400,
                10001,
                "body is not valid JSON");
        error(
                ts.send("POST", url, "{\"range\":\"anyone\",", "Content-Type", "application/json"),
                400,
                10001,
                "body is not valid JSON");
        error(ts.send("POST", url, null), 400, 10001);
        error(ts.send("POST", url, "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":3}"), 400, 10001);
        error(ts.send("POST", url, "{\"range\":\"anyone\",\"permission\":\"admin\"}"), 400, 10001);
        error(ts.send("POST", url, "{\"range\":\"x\",\"permission\":\"read\"}"), 400, 10001);
        error(ts.send("POST", url, "{\"permission\":\"read\"}"), 400, 10001);
        error(ts.send("POST", url, "{\"range\":\"anyone\"}"), 400, 10001);
        error(
                ts.send("POST", url, "{\"range\":\"anyone\",\"permission\":\"read\",\"ext_perm_list\":[\"edit\"]}"),
                400,
                10001);
        // none of them created a link
        error(
                ts.send("GET", API + "/personal/files/" + file + "/links?access_token=" + owner.token(), null),
                404,
                30014);
    }

    // ---------------- WPS-2 ----------------

    static String appFile(TestServer.App a, String name) {
        HttpResponse<String> r = ts.signed(
                a,
                "POST",
                API + "/appspace/files",
                ("{\"filename\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("file_token").asText();
    }

    static String dateAt(long offsetSeconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ts.server().clock().instant().plusSeconds(offsetSeconds).atOffset(ZoneOffset.UTC));
    }

    @Test
    void wps2MissingHeaders() {
        TestServer.App a = ts.app("test");
        String path = API + "/appspace/files/" + appFile(a, "wps2-missing");
        String md5 = TestServer.hex("MD5", new byte[0]);
        String ct = "application/json";
        String date = ts.date();
        String auth = TestServer.wps2(a.appId(), a.appKey(), md5, ct, date);
        // all present: fine
        assertThat(ts.send(
                                "GET",
                                path,
                                null,
                                "Authorization",
                                auth,
                                "Date",
                                date,
                                "Content-Md5",
                                md5,
                                "Content-Type",
                                ct)
                        .statusCode())
                .isEqualTo(200);
        error(ts.send("GET", path, null, "Date", date, "Content-Md5", md5, "Content-Type", ct), 401, 30003);
        error(ts.send("GET", path, null, "Authorization", auth, "Content-Md5", md5, "Content-Type", ct), 401, 30003);
        error(ts.send("GET", path, null, "Authorization", auth, "Date", date, "Content-Type", ct), 401, 30003);
        // a malformed Authorization value
        error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        "WPS-2:" + a.appId(),
                        "Date",
                        date,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        ct),
                401,
                30003);
        error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        "Bearer " + owner.token(),
                        "Date",
                        date,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        ct),
                401,
                30003);
    }

    @Test
    void wps2SkewedDate() {
        TestServer.App a = ts.app("test");
        String path = API + "/appspace/files/" + appFile(a, "wps2-skew");
        String md5 = TestServer.hex("MD5", new byte[0]);
        for (long skew : new long[] {20 * 60, -20 * 60}) {
            String date = dateAt(skew);
            error(
                    ts.send(
                            "GET",
                            path,
                            null,
                            "Authorization",
                            TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", date),
                            "Date",
                            date,
                            "Content-Md5",
                            md5,
                            "Content-Type",
                            "application/json"),
                    401,
                    30003,
                    "not a valid datetime or too skewed");
        }
        String junk = "yesterday-ish";
        error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", junk),
                        "Date",
                        junk,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        "application/json"),
                401,
                30003,
                "not a valid datetime or too skewed");
        // 10 minutes is inside the ±15 min window
        String near = dateAt(-10 * 60);
        HttpResponse<String> ok = ts.send(
                "GET",
                path,
                null,
                "Authorization",
                TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", near),
                "Date",
                near,
                "Content-Md5",
                md5,
                "Content-Type",
                "application/json");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void wps2WrongContentMd5ForBody() {
        TestServer.App a = ts.app("test");
        byte[] body = "{\"filename\":\"md5.docx\"}".getBytes(StandardCharsets.UTF_8);
        String md5 = TestServer.hex("MD5", "{\"filename\":\"other.docx\"}".getBytes(StandardCharsets.UTF_8));
        String date = ts.date();
        error(
                ts.sendBody(
                        "POST",
                        API + "/appspace/files",
                        body,
                        "Authorization",
                        TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", date),
                        "Date",
                        date,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        "application/json"),
                401,
                30003,
                "content md5 not match");
        // the empty-body md5 on a POST with a body is wrong too
        String empty = TestServer.hex("MD5", new byte[0]);
        error(
                ts.sendBody(
                        "POST",
                        API + "/appspace/files",
                        body,
                        "Authorization",
                        TestServer.wps2(a.appId(), a.appKey(), empty, "application/json", date),
                        "Date",
                        date,
                        "Content-Md5",
                        empty,
                        "Content-Type",
                        "application/json"),
                401,
                30003,
                "content md5 not match");
        // nothing was created: the same name can still be created once
        HttpResponse<String> r = ts.signed(a, "POST", API + "/appspace/files", body, "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestServer.json(r).get("data").get("version").asInt()).isEqualTo(1);
    }

    @Test
    void wps2UnknownAppAndForeignKey() {
        TestServer.App a = ts.app("test");
        TestServer.App b = ts.app("test");
        String path = API + "/appspace/files/" + appFile(a, "wps2-keys");
        String md5 = TestServer.hex("MD5", new byte[0]);
        String date = ts.date();
        error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        TestServer.wps2("SX20990101NOSUCH", a.appKey(), md5, "application/json", date),
                        "Date",
                        date,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        "application/json"),
                400,
                20002);
        // a's id, b's key
        error(
                ts.send(
                        "GET",
                        path,
                        null,
                        "Authorization",
                        TestServer.wps2(a.appId(), b.appKey(), md5, "application/json", date),
                        "Date",
                        date,
                        "Content-Md5",
                        md5,
                        "Content-Type",
                        "application/json"),
                401,
                30003,
                "signature not match");
    }

    @Test
    void wps2ReplayedPost() {
        TestServer.App a = ts.app("test");
        byte[] body = "{\"filename\":\"replay.docx\"}".getBytes(StandardCharsets.UTF_8);
        String md5 = TestServer.hex("MD5", body);
        String date = ts.date();
        String[] headers = {
            "Authorization",
            TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", date),
            "Date",
            date,
            "Content-Md5",
            md5,
            "Content-Type",
            "application/json"
        };
        HttpResponse<String> first = ts.sendBody("POST", API + "/appspace/files", body, headers);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        error(ts.sendBody("POST", API + "/appspace/files", body, headers), 401, 30003, "replayed request");
    }

    @Test
    void wps2RetryOfARequestThatFailedVerificationIsNotAReplay() {
        TestServer.App a = ts.app("test");
        byte[] body = "{\"filename\":\"retry.docx\"}".getBytes(StandardCharsets.UTF_8);
        byte[] damaged = "{\"filename\":\"retrz.docx\"}".getBytes(StandardCharsets.UTF_8);
        String md5 = TestServer.hex("MD5", body);
        String date = ts.date();
        String[] headers = {
            "Authorization",
            TestServer.wps2(a.appId(), a.appKey(), md5, "application/json", date),
            "Date",
            date,
            "Content-Md5",
            md5,
            "Content-Type",
            "application/json"
        };
        error(ts.sendBody("POST", API + "/appspace/files", damaged, headers), 401, 30003, "content md5 not match");
        HttpResponse<String> retry = ts.sendBody("POST", API + "/appspace/files", body, headers);
        assertThat(retry.statusCode())
                .as("§3.4: retrying a request that failed verification is not affected: " + retry.body())
                .isEqualTo(200);
        error(ts.sendBody("POST", API + "/appspace/files", body, headers), 401, 30003, "replayed request");
    }

    // ---------------- envelope-wide ----------------

    @Test
    void requestIdOnEveryResponseAndEchoed() {
        List<HttpResponse<String>> all = new ArrayList<>();
        all.add(download(file, owner.token())); // success
        all.add(download(file, "nope")); // auth error
        all.add(ts.send("GET", API + "/no/such/route", null)); // 30005
        all.add(ts.send("GET", "/dl/garbage/x.txt", null)); // download URL error
        for (HttpResponse<String> r : all) {
            assertThat(r.headers().firstValue("X-Request-Id"))
                    .as(r.uri() + " " + r.statusCode())
                    .isPresent()
                    .hasValueSatisfying(v -> assertThat(v).isNotBlank());
        }
        error(all.get(2), 501, 30005);
        error(all.get(3), 403, 10003, "download url invalid");

        HttpResponse<String> echoed = ts.send(
                "GET",
                API + "/personal/files/" + file + "/download?access_token=" + owner.token(),
                null,
                "X-Request-Id",
                "client-req-42");
        assertThat(echoed.headers().firstValue("X-Request-Id")).hasValue("client-req-42");
        HttpResponse<String> echoedErr =
                ts.send("GET", API + "/personal/files/zzz/download", null, "X-Request-Id", "err-req-7");
        assertThat(echoedErr.headers().firstValue("X-Request-Id")).hasValue("err-req-7");
        // longer than 128 characters: not echoed, a fresh id instead
        String tooLong = "r".repeat(129);
        HttpResponse<String> fresh = ts.send(
                "GET",
                API + "/personal/files/" + file + "/download?access_token=" + owner.token(),
                null,
                "X-Request-Id",
                tooLong);
        assertThat(fresh.headers().firstValue("X-Request-Id").orElse(""))
                .isNotEmpty()
                .isNotEqualTo(tooLong);
    }
}
