package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Daily quotas and the RateLimit headers, api.md §4 (and §1.5 step 6). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuotaTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static final String API = "/api/v1/openapi";
    static final Pattern RATE = Pattern.compile("^\"daily\";r=(\\d+);t=(\\d+)$");
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static String upload(TestServer.User u, String name) {
        HttpResponse<String> r = ts.sendBody(
                "POST",
                API + "/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart(
                        "qb0undary",
                        name,
                        "text/plain",
                        name.getBytes(StandardCharsets.UTF_8),
                        "path_from_root",
                        "true"),
                "Content-Type",
                "multipart/form-data; boundary=qb0undary");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }

    static HttpResponse<String> download(String ft, String token) {
        return ts.send("GET", API + "/personal/files/" + ft + "/download?access_token=" + token, null);
    }

    /** Remaining count from the RateLimit header; asserts its form and that t is the exact time to midnight in Shanghai. */
    static long remaining(HttpResponse<String> r) {
        String v = r.headers().firstValue("RateLimit").orElse(null);
        assertThat(v).as("RateLimit header on " + r.uri() + " " + r.body()).isNotNull();
        Matcher m = RATE.matcher(v);
        assertThat(m.matches()).as("RateLimit form: " + v).isTrue();
        long t = Long.parseLong(m.group(2));
        ZonedDateTime now = ts.server().clock().instant().atZone(SHANGHAI);
        long expected = Duration.between(now, now.toLocalDate().plusDays(1).atStartOfDay(SHANGHAI))
                .toSeconds();
        assertThat(t)
                .as("t = seconds until the next midnight in Asia/Shanghai")
                .isBetween(Math.max(1, expected - 3), expected + 3);
        return Long.parseLong(m.group(1));
    }

    static void policy(HttpResponse<String> r, long q) {
        assertThat(r.headers().firstValue("RateLimit-Policy"))
                .as(r.uri() + " " + r.body())
                .hasValue("\"daily\";q=" + q + ";w=86400");
    }

    static void noRateHeaders(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("RateLimit")).as(r.body()).isEmpty();
        assertThat(r.headers().firstValue("RateLimit-Policy")).as(r.body()).isEmpty();
    }

    @Test
    @Order(1)
    void headersOnReadAndWriteTiersAndDecrementByOne() {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String ft = upload(u, "h.txt");

        // download: W tier, test app → 500
        HttpResponse<String> d1 = download(ft, u.token());
        assertThat(d1.statusCode()).isEqualTo(200);
        policy(d1, 500);
        long r1 = remaining(d1);
        assertThat(r1).isEqualTo(499);
        HttpResponse<String> d2 = download(ft, u.token());
        policy(d2, 500);
        assertThat(remaining(d2)).isEqualTo(r1 - 1);

        // links GET: R tier, test app → 10,000 (a 30014 answer is metered too)
        String links = API + "/personal/files/" + ft + "/links?access_token=" + u.token();
        HttpResponse<String> l1 = ts.send("GET", links, null);
        assertThat(TestServer.json(l1).get("code").asInt()).isEqualTo(30014);
        policy(l1, 10_000);
        assertThat(remaining(l1)).isEqualTo(9_999);
        ts.send("POST", links, "{\"range\":\"anyone\",\"permission\":\"read\"}");
        HttpResponse<String> l2 = ts.send("GET", links, null);
        assertThat(l2.statusCode()).isEqualTo(200);
        policy(l2, 10_000);
        assertThat(remaining(l2)).isEqualTo(9_998);
        // each endpoint has its own counter: the downloads above did not touch it, and links did not touch download
        HttpResponse<String> d3 = download(ft, u.token());
        assertThat(remaining(d3)).isEqualTo(497);

        // formal app: download limit 100,000
        TestServer.App formal = ts.app("formal");
        TestServer.User fu = ts.user(formal);
        String fft = upload(fu, "f.txt");
        HttpResponse<String> fd = download(fft, fu.token());
        policy(fd, 100_000);
        assertThat(remaining(fd)).isEqualTo(99_999);

        // counts are per app: another test app starts fresh
        TestServer.User other = ts.user(ts.app("test"));
        String oft = upload(other, "o.txt");
        assertThat(remaining(download(oft, other.token()))).isEqualTo(499);
    }

    @Test
    @Order(1)
    void wps2EndpointsAreMeteredToo() {
        TestServer.App app = ts.app("test");
        HttpResponse<String> c = ts.signed(
                app,
                "POST",
                API + "/appspace/files",
                "{\"filename\":\"q.docx\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
        policy(c, 500);
        assertThat(remaining(c)).isEqualTo(499);
        String ft = TestServer.json(c).get("data").get("file_token").asText();
        HttpResponse<String> i1 = ts.signed(app, "GET", API + "/appspace/files/" + ft, null, "application/json");
        policy(i1, 10_000);
        assertThat(remaining(i1)).isEqualTo(9_999);
        // a signature failure is step 3: no headers, not counted
        String date = ts.date();
        String md5 = TestServer.hex("MD5", new byte[0]);
        HttpResponse<String> bad = ts.send(
                "GET",
                API + "/appspace/files/" + ft,
                null,
                "Authorization",
                TestServer.wps2(app.appId(), "wrong-key-wrong-key", md5, "application/json", date),
                "Date",
                date,
                "Content-Md5",
                md5,
                "Content-Type",
                "application/json");
        assertThat(TestServer.json(bad).get("code").asInt()).isEqualTo(30003);
        noRateHeaders(bad);
        // an unknown token is counted (step 8)
        HttpResponse<String> unknown =
                ts.signed(app, "GET", API + "/appspace/files/unknownToken42", null, "application/json");
        assertThat(TestServer.json(unknown).get("code").asInt()).isEqualTo(30012);
        assertThat(remaining(unknown)).isEqualTo(9_998);
        assertThat(remaining(ts.signed(app, "GET", API + "/appspace/files/" + ft, null, "application/json")))
                .isEqualTo(9_997);
    }

    @Test
    @Order(2)
    void authFailuresAreNotCountedButLaterFailuresAre() {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        TestServer.User noScope = ts.user(app, "access_personal_files");
        String ft = upload(u, "c.txt");
        long start = remaining(download(ft, u.token()));

        HttpResponse<String> bad = download(ft, "badbadbadbadbadbadbadbadbadbadba");
        assertThat(TestServer.json(bad).get("code").asInt()).isEqualTo(20007);
        noRateHeaders(bad);
        HttpResponse<String> scope = download(ft, noScope.token());
        assertThat(TestServer.json(scope).get("code").asInt()).isEqualTo(10003);
        noRateHeaders(scope);
        HttpResponse<String> missing = ts.send("GET", API + "/personal/files/" + ft + "/download", null);
        noRateHeaders(missing);
        assertThat(remaining(download(ft, u.token())))
                .as("auth and scope failures are not counted")
                .isEqualTo(start - 1);

        // failing later (step 8, 30012) is counted and carries the headers
        HttpResponse<String> unknown = download("noSuchFile0000", u.token());
        assertThat(TestServer.json(unknown).get("code").asInt()).isEqualTo(30012);
        policy(unknown, 500);
        assertThat(remaining(unknown)).isEqualTo(start - 2);
        HttpResponse<String> malformed = download("a.b", u.token());
        assertThat(TestServer.json(malformed).get("code").asInt()).isEqualTo(30012);
        assertThat(remaining(malformed)).isEqualTo(start - 3);
        assertThat(remaining(download(ft, u.token()))).isEqualTo(start - 4);
    }

    @Test
    @Order(3)
    void exhaustionThen429ThenNextShanghaiDayResets() throws Exception {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String ft = upload(u, "x.txt");
        List<Integer> statuses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(pool.submit(() -> download(ft, u.token())));
            }
            List<Long> seen = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                statuses.add(r.statusCode());
                seen.add(remaining(r));
            }
            assertThat(statuses).as("all 500 within the quota").containsOnly(200);
            // every remaining value 0..499 handed out exactly once
            assertThat(seen)
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.range(0, 500).boxed().toList());
        } finally {
            pool.shutdownNow();
        }

        HttpResponse<String> over = download(ft, u.token());
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(over).get("code").asInt()).isEqualTo(30002);
        assertThat(TestServer.json(over).get("msg").asText()).isEqualTo("RateLimiter");
        policy(over, 500);
        assertThat(remaining(over)).isZero();
        long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isGreaterThanOrEqualTo(1);
        Matcher m = RATE.matcher(over.headers().firstValue("RateLimit").get());
        assertThat(m.matches()).isTrue();
        assertThat(retry).isBetween(Long.parseLong(m.group(2)) - 2, Long.parseLong(m.group(2)) + 2);
        // still refused; another endpoint of the same app is unaffected
        assertThat(download(ft, u.token()).statusCode()).isEqualTo(429);
        HttpResponse<String> links =
                ts.send("GET", API + "/personal/files/" + ft + "/links?access_token=" + u.token(), null);
        assertThat(links.statusCode()).isEqualTo(404);
        assertThat(remaining(links)).isEqualTo(9_999);

        // move to the next day in Asia/Shanghai: t seconds + 1
        long t = Long.parseLong(m.group(2));
        ts.advanceClock(t + 1);
        TestServer.User fresh = ts.token(app, u.userId()); // tokens last 24 h; the old one may have expired
        HttpResponse<String> nextDay = download(ft, fresh.token());
        assertThat(nextDay.statusCode()).as(nextDay.body()).isEqualTo(200);
        policy(nextDay, 500);
        assertThat(remaining(nextDay)).isEqualTo(499);
    }

    @Test
    @Order(4)
    void restartKeepsTheCount() throws Exception {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String ft = upload(u, "r.txt");
        long last = 0;
        for (int i = 0; i < 7; i++) {
            last = remaining(download(ft, u.token()));
        }
        assertThat(last).isEqualTo(493);

        ts.restart();
        HttpResponse<String> after = download(ft, u.token());
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        assertThat(remaining(after)).as("the count continues after a restart").isEqualTo(492);
    }
}
