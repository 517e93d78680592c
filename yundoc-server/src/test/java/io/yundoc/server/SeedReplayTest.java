package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three seed pages (personal/download, personal/get-links, appspace/fileinfo) replayed against a fresh server
 * without fixtures: the documented requests verbatim with real ids substituted; the answers must have the documented
 * shape (keys, key order, nesting, JSON types). api.md §1.2, §5.5, §5.7, §5.9, §3.4.
 */
class SeedReplayTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** Uploads bytes to the personal drive (root) and returns the file token. */
    static String upload(TestServer.User u, String name, byte[] content) {
        HttpResponse<String> r = ts.sendBody(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart(
                        "seedb0undary", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=seedb0undary");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("data").get("id").get("open_id").asText();
    }

    /** Top-level keys of a JSON object in the order they appear in the raw text (depth 1 only). */
    static List<String> rawKeysOfObjectAt(String raw, int openBrace) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        StringBuilder cur = null;
        for (int i = openBrace; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (inString) {
                if (c == '\\') {
                    if (cur != null) {
                        cur.append(c).append(raw.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                if (c == '"') {
                    inString = false;
                    if (cur != null) {
                        // a key when the next non-space char is ':'
                        int j = i + 1;
                        while (Character.isWhitespace(raw.charAt(j))) {
                            j++;
                        }
                        if (raw.charAt(j) == ':') {
                            out.add(cur.toString());
                        }
                        cur = null;
                    }
                } else if (cur != null) {
                    cur.append(c);
                }
                continue;
            }
            if (c == '"') {
                inString = true;
                cur = depth == 1 ? new StringBuilder() : null;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    break;
                }
            }
        }
        return out;
    }

    /** The raw key order of the object value of top-level key {@code field} (e.g. "data"). */
    static List<String> rawKeys(String raw, String field) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\\{").matcher(raw);
        assertThat(m.find()).as("raw body has an object " + field + ": " + raw).isTrue();
        return rawKeysOfObjectAt(raw, m.end() - 1);
    }

    // ---- (a) personal/download.html ----

    @Test
    void personalDownloadSeedHasDocumentedShape() {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app, "download_personal_files", "create_personal_files");
        byte[] content = "seed replay: personal download 个人文档\n".repeat(37).getBytes(StandardCharsets.UTF_8);
        String ft = upload(u, "seed-download.docx", content);

        // the seed request verbatim: GET .../download?access_token=..., no headers of its own
        HttpResponse<String> r =
                ts.send("GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode root = TestServer.json(r);
        assertThat(keys(root)).containsExactly("code", "data");
        assertThat(rawKeysOfObjectAt(r.body(), r.body().indexOf('{'))).containsExactly("code", "data");
        assertThat(root.get("code").isInt()).isTrue();
        assertThat(root.get("code").asInt()).isZero();

        JsonNode data = root.get("data");
        assertThat(keys(data)).containsExactly("checksums", "fsize", "url");
        assertThat(rawKeys(r.body(), "data")).containsExactly("checksums", "fsize", "url");
        assertThat(data.get("checksums").isObject()).isTrue();
        assertThat(keys(data.get("checksums"))).containsExactly("sha1");
        String sha1 = data.get("checksums").get("sha1").asText();
        assertThat(data.get("checksums").get("sha1").isTextual()).isTrue();
        assertThat(sha1).matches("[0-9a-f]{40}").isEqualTo(TestServer.hex("SHA-1", content));
        assertThat(data.get("fsize").isIntegralNumber())
                .as("fsize is a JSON integer")
                .isTrue();
        assertThat(data.get("fsize").asLong()).isEqualTo(content.length);
        assertThat(data.get("url").isTextual()).isTrue();
        String url = data.get("url").asText();
        assertThat(URI.create(url).isAbsolute()).isTrue();
        assertThat(url).startsWith(ts.base() + "/dl/");

        // and the URL serves exactly the bytes described (api.md §5.5)
        HttpResponse<byte[]> bytes = ts.sendBytes("GET", url, null);
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(content);
    }

    // ---- (b) personal/create-links.html + personal/get-links.html ----

    @Test
    void getLinksSeedHasDocumentedShapeAfterCurlStyleCreate() {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String ft = upload(u, "demo.docx", "docx-ish bytes".getBytes(StandardCharsets.UTF_8));

        // curl --data '{...}' labels the JSON application/x-www-form-urlencoded; it must be parsed as JSON (§1.3)
        HttpResponse<String> created = ts.send(
                "POST",
                "/api/v1/openapi/personal/files/" + ft + "/links?access_token=" + u.token(),
                "{\"range\":\"anyone\",\"permission\":\"read\",\"period\":7,\"reset\":false,\"ext_perm_list\":[\"comment\"]}",
                "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        long createdAt = ts.server().clock().epochSeconds();

        HttpResponse<String> r =
                ts.send("GET", "/api/v1/openapi/personal/files/" + ft + "/links?access_token=" + u.token(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode root = TestServer.json(r);
        assertThat(keys(root)).containsExactly("code", "data");
        assertThat(root.get("code").asInt()).isZero();
        JsonNode d = root.get("data");
        List<String> expected =
                List.of("expire_time", "ext_perm_list", "link_permission", "link_url", "sid", "filename");
        assertThat(keys(d)).containsExactlyElementsOf(expected);
        assertThat(rawKeys(r.body(), "data")).containsExactlyElementsOf(expected);
        assertThat(rawKeysOfObjectAt(r.body(), r.body().indexOf('{'))).containsExactly("code", "data");

        assertThat(d.get("expire_time").isIntegralNumber()).isTrue();
        assertThat(d.get("ext_perm_list").isArray()).isTrue();
        assertThat(d.get("link_permission").isTextual()).isTrue();
        assertThat(d.get("link_url").isTextual()).isTrue();
        assertThat(d.get("sid").isTextual()).isTrue();
        assertThat(d.get("filename").isTextual()).isTrue();

        // the values the create body asked for
        assertThat(d.get("expire_time").asLong()).isBetween(createdAt + 7 * 86_400 - 5, createdAt + 7 * 86_400 + 5);
        assertThat(d.get("ext_perm_list").size()).isEqualTo(1);
        assertThat(d.get("ext_perm_list").get(0).asText()).isEqualTo("comment");
        assertThat(d.get("link_permission").asText()).isEqualTo("read");
        String sid = d.get("sid").asText();
        assertThat(sid).matches("[A-Za-z0-9]{12}");
        assertThat(d.get("link_url").asText()).isEqualTo(ts.base() + "/l/" + sid);
        assertThat(d.get("filename").asText()).isEqualTo("demo.docx");

        // the POST answered the same link object (§5.7 "Response: the link object, as for GET")
        assertThat(TestServer.json(created).get("data")).isEqualTo(d);
    }

    // ---- (c) appspace/fileinfo.html ----

    @Test
    void appSpaceFileInfoSeedWithDocsDateAndReSignedAuthorization() {
        ts.setClock("2013-01-23T06:43:08Z");
        TestServer.App app = ts.app("SX20220101ABCDEF", "wJalrXUtnFEYEXAMPLEKES");
        assertThat(app.appId()).isEqualTo("SX20220101ABCDEF");

        String boundary = "seed-appspace-boundary";
        byte[] content = new byte[1234];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        byte[] body = TestServer.multipart(boundary, "test.xlsx", null, content);
        HttpResponse<String> up = ts.signed(
                app,
                "POST",
                "/api/v1/openapi/appspace/files/upload",
                body,
                "multipart/form-data; boundary=" + boundary);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        String ft = TestServer.json(up).get("data").get("file_token").asText();

        String path = "/api/v1/openapi/appspace/files/" + ft;
        HttpResponse<String> r = ts.send(
                "GET",
                path,
                null,
                "Authorization",
                "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                "Content-Md5",
                "d41d8cd98f00b204e9800998ecf8427e",
                "Content-Type",
                "application/json",
                "Date",
                "Wed, 23 Jan 2013 06:43:08 GMT");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode root = TestServer.json(r);
        assertThat(keys(root)).containsExactly("code", "data");
        assertThat(root.get("code").asInt()).isZero();
        JsonNode d = root.get("data");
        List<String> expected = List.of(
                "content_type",
                "creator",
                "ctime",
                "file_token",
                "modifier",
                "mtime",
                "name",
                "parent_token",
                "size",
                "sys_metadata",
                "type",
                "version");
        assertThat(keys(d)).containsExactlyElementsOf(expected);
        assertThat(rawKeys(r.body(), "data")).containsExactlyElementsOf(expected);

        assertThat(d.get("content_type").isTextual()).isTrue();
        assertThat(d.get("content_type").asText()).isEqualTo("application/octet-stream");
        assertThat(d.get("creator").isIntegralNumber())
                .as("creator is the integer 0 when never given")
                .isTrue();
        assertThat(d.get("creator").asLong()).isZero();
        assertThat(d.get("modifier").isIntegralNumber())
                .as("modifier is the integer 0 when never given")
                .isTrue();
        assertThat(d.get("modifier").asLong()).isZero();
        assertThat(d.get("ctime").isIntegralNumber()).isTrue();
        assertThat(d.get("mtime").isIntegralNumber()).isTrue();
        // the emulator clock stood at the docs' Date: 2013-01-23T06:43:08Z = 1358923388
        assertThat(d.get("ctime").asLong()).isBetween(1358923388L, 1358923388L + 120);
        assertThat(d.get("mtime").asLong())
                .isGreaterThanOrEqualTo(d.get("ctime").asLong());
        assertThat(d.get("file_token").asText()).isEqualTo(ft);
        assertThat(d.get("name").asText()).isEqualTo("test.xlsx");
        assertThat(d.get("parent_token").isTextual()).isTrue();
        assertThat(d.get("parent_token").asText()).isEmpty();
        assertThat(d.get("size").isIntegralNumber()).isTrue();
        assertThat(d.get("size").asLong()).isEqualTo(content.length);
        assertThat(d.get("sys_metadata").isObject()).isTrue();
        assertThat(d.get("sys_metadata").size()).isZero();
        assertThat(d.get("type").asText()).isEqualTo("normal_file");
        assertThat(d.get("version").isIntegralNumber()).isTrue();
        assertThat(d.get("version").asLong()).isEqualTo(1);

        // the docs' placeholder signature verifies against nothing (§3.4)
        HttpResponse<String> bad = ts.send(
                "GET",
                path,
                null,
                "Authorization",
                "WPS-2:SX20220101ABCDEF:ac59dac1460772a04b3a97d7ef78409f28241e3a",
                "Content-Md5",
                "d41d8cd98f00b204e9800998ecf8427e",
                "Content-Type",
                "application/json",
                "Date",
                "Wed, 23 Jan 2013 06:43:08 GMT");
        assertThat(bad.statusCode()).isEqualTo(401);
        JsonNode e = TestServer.json(bad);
        assertThat(keys(e)).containsExactly("code", "msg", "result", "hint");
        assertThat(e.get("code").asInt()).isEqualTo(30003);
        assertThat(e.get("msg").asText()).isEqualTo("InvalidSignature");
        assertThat(e.get("result").asText()).isEqualTo("InvalidSignature");
    }
}
