package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the hostile-input corpus ({@code src/test/resources/hostile/index.json} and its raw {@code .http} requests)
 * over raw sockets against one real server, and checks each documented answer. After every case the server must
 * still answer {@code /health}: one hostile request never takes yundoc down. The scale-out Surefire execution runs
 * the same corpus on PostgreSQL + Redis + S3.
 */
class HostileCorpusTest {

    private static final String DIR = "/hostile/";
    private static final String API = "/api/v1/openapi";
    private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static final Pattern REPEAT = Pattern.compile("\\{\\{repeat (\\d+) ([^}]*)}}");
    private static final Pattern CODE_POINT = Pattern.compile("\\{\\{U\\+([0-9A-Fa-f]{4,6})}}");
    private static final Pattern BYTE = Pattern.compile("\\{\\{BYTE ([0-9a-f]{2})}}");

    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static Map<String, String> fixtures;

    /** One entry of index.json. */
    record Case(String name, String file, String expect, JsonNode spec) {
        @Override
        public String toString() {
            return "[" + expect + "] " + name + " (" + file + ")";
        }
    }

    static Stream<Case> corpus() throws IOException {
        JsonNode index = TestServer.JSON.readTree(resource("index.json"));
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : index.get("cases")) {
            cases.add(new Case(
                    c.get("name").asText(),
                    c.get("file").asText(),
                    c.get("expect").asText(),
                    c));
        }
        return cases.stream();
    }

    @BeforeAll
    static void start() {
        app = ts.app("test");
        TestServer.User owner = ts.user(app);
        String file = upload(owner, "owned.txt");
        HttpResponse<String> link = ts.send(
                "POST",
                API + "/personal/files/" + file + "/links?access_token=" + owner.token(),
                "{\"range\":\"anyone\",\"permission\":\"read\"}");
        assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
        HttpResponse<String> dl =
                ts.send("GET", API + "/personal/files/" + file + "/download?access_token=" + owner.token(), null);
        assertThat(dl.statusCode()).as(dl.body()).isEqualTo(200);
        HttpResponse<String> appFile = ts.signed(
                app,
                "POST",
                API + "/appspace/files",
                "{\"filename\":\"hostile.docx\"}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(appFile.statusCode()).as(appFile.body()).isEqualTo(200);
        fixtures = Map.of(
                "host", "127.0.0.1:" + ts.server().port(),
                "token", owner.token(),
                "file", file,
                "sid", TestServer.json(link).get("data").get("sid").asText(),
                "dl",
                        URI.create(TestServer.json(dl).get("data").get("url").asText())
                                .getRawPath(),
                "appfile",
                        TestServer.json(appFile).get("data").get("file_token").asText());
    }

    private static String upload(TestServer.User u, String name) {
        HttpResponse<String> r = ts.sendBody(
                "POST",
                API + "/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart(
                        "h0stile",
                        name,
                        "text/plain",
                        "hostile corpus".getBytes(StandardCharsets.UTF_8),
                        "path_from_root",
                        "true"),
                "Content-Type",
                "multipart/form-data; boundary=h0stile");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileRequestGetsItsDocumentedAnswer(Case c) throws IOException {
        // one Date per case, so a "before" request and the case itself carry the very same signed headers
        String date = ts.date();
        for (JsonNode before : c.spec().path("before")) {
            TestServer.RawResponse r = send(before.asText(), date);
            assertThat(r)
                    .as("before-request " + before.asText() + " of " + c + " got no answer")
                    .isNotNull();
            assertThat(r.status())
                    .as("before-request " + before.asText() + ": " + r.bodyText())
                    .isBetween(200, 299);
        }
        TestServer.RawResponse r = send(c.file(), date);
        JsonNode spec = c.spec();
        if (r == null) {
            assertThat(spec.path("closeOk").asBoolean())
                    .as(c + ": the connection closed without an answer")
                    .isTrue();
        } else {
            check(c, r);
        }
        HttpResponse<String> health = ts.send("GET", "/health", null);
        assertThat(health.statusCode())
                .as("/health after " + c + ": " + health.body())
                .isEqualTo(200);
    }

    private static void check(Case c, TestServer.RawResponse r) throws IOException {
        JsonNode spec = c.spec();
        String body = r.bodyText();
        String what = c + " answered " + r.status() + "\n" + r.head() + "\n\n" + abbreviate(body);
        if (spec.has("status")) {
            assertThat(r.status()).as(what).isEqualTo(spec.get("status").asInt());
        }
        JsonNode envelope = envelope(r);
        if (spec.has("code")) {
            assertThat(envelope).as("a KDocs envelope: " + what).isNotNull();
            assertThat(envelope.path("code").asInt(-1))
                    .as(what)
                    .isEqualTo(spec.get("code").asInt());
        }
        if (spec.path("refused").asBoolean()) {
            assertThat(r.status()).as(what).isBetween(400, 499);
            if (envelope != null) {
                assertThat(envelope.path("code").asInt(0)).as(what).isNotZero();
            }
        }
        for (Map.Entry<String, JsonNode> h : spec.path("headers").properties()) {
            String value = r.header(h.getKey());
            assertThat(value).as(h.getKey() + " of " + what).isNotNull();
            assertThat(value.toLowerCase(Locale.ROOT))
                    .as(h.getKey() + " of " + what)
                    .contains(h.getValue().asText().toLowerCase(Locale.ROOT));
        }
        if (r.status() >= 400 && envelope != null) {
            assertThat(envelope.path("code").asInt(0))
                    .as("an error answer carries a non-zero code: " + what)
                    .isNotZero();
        }
        assertThat(body)
                .as("no stack trace on the wire: " + what)
                .doesNotContain("Exception")
                .doesNotContain("\tat ")
                .doesNotContain("at io.yundoc");
    }

    /** The KDocs envelope of a JSON answer, or null for any other body. */
    private static JsonNode envelope(TestServer.RawResponse r) {
        String type = r.header("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            return null;
        }
        try {
            JsonNode n = TestServer.JSON.readTree(r.body());
            return n != null && n.has("code") ? n : null;
        } catch (IOException e) {
            throw new AssertionError("a JSON Content-Type with a body that is not JSON: " + r.bodyText(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "…";
    }

    /** Sends one corpus file; null when the server closed the connection without an answer. */
    private static TestServer.RawResponse send(String file, String date) throws IOException {
        byte[] request = render(new String(resource(file), StandardCharsets.UTF_8), date);
        try {
            return ts.raw(request);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw new AssertionError(file + ": no answer within 10 s and the connection still open", e);
            }
            // reset by the server (it refused and closed while we still wrote): no answer
            return null;
        } catch (AssertionError e) {
            if (String.valueOf(e.getMessage()).startsWith("connection closed inside the response head")) {
                return null;
            }
            throw e;
        }
    }

    /** Placeholders resolved, every LF sent as CRLF, {{len}} set to the body's length in bytes. */
    static byte[] render(String template, String date) {
        String text = template.replace("\n", "\r\n");
        Matcher m = REPEAT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(sb);
        text = sb.toString();
        for (Map.Entry<String, String> f : fixtures.entrySet()) {
            text = text.replace("{{" + f.getKey() + "}}", f.getValue());
        }
        text = text.replace("{{date}}", date)
                .replace(
                        "{{wps2-empty}}",
                        TestServer.wps2(app.appId(), app.appKey(), EMPTY_MD5, "application/json", date))
                .replace("{{NUL}}", "\u0000");
        m = CODE_POINT.matcher(text);
        sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(Character.toString(Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(sb);
        byte[] bytes = withRawBytes(sb.toString());
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        int headEnd = latin.indexOf("\r\n\r\n");
        if (headEnd >= 0 && latin.substring(0, headEnd).contains("{{len}}")) {
            int bodyLength = bytes.length - headEnd - 4;
            latin = latin.replace("{{len}}", Integer.toString(bodyLength));
            bytes = latin.getBytes(StandardCharsets.ISO_8859_1);
        }
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                .as("unresolved placeholder")
                .doesNotContain("{{");
        return bytes;
    }

    /** UTF-8, except that each {{BYTE xx}} becomes that one raw byte (for bodies that are not UTF-8). */
    private static byte[] withRawBytes(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = BYTE.matcher(text);
        int at = 0;
        while (m.find()) {
            out.writeBytes(text.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            out.write(HexFormat.fromHexDigits(m.group(1)));
            at = m.end();
        }
        out.writeBytes(text.substring(at).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HostileCorpusTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException("corpus file missing: " + DIR + name);
            }
            return in.readAllBytes();
        }
    }
}
