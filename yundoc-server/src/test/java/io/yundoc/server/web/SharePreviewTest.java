package io.yundoc.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inline previews of /l/ and /v/, and the edit-token URLs that open them (api.md §5.8, §7). */
class SharePreviewTest {
    @RegisterExtension
    static final TestServerExtension ts = TestServerExtension.embedded();

    static TestServer.App app;
    static final String API = "/api/v1/openapi/personal";

    @BeforeAll
    static void start() {
        app = ts.app("test");
    }

    static JsonNode upload(TestServer.User u, String name, byte[] content) {
        HttpResponse<byte[]> r = ts.sendBytes(
                "POST",
                API + "/files/upload?access_token=" + u.token(),
                TestServer.multipart("bNd", name, "application/octet-stream", content, "path_from_root", "true"),
                "Content-Type",
                "multipart/form-data; boundary=bNd");
        try {
            return TestServer.JSON.readTree(r.body()).get("data");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode ok(TestServer.User u, String method, String path, String body) {
        return ts.openapiOk(u, method, "/personal" + path, body);
    }

    static String share(TestServer.User u, JsonNode file) {
        return ok(
                        u,
                        "POST",
                        "/files/" + file.get("id").get("open_id").asText() + "/links",
                        "{\"range\":\"anyone\",\"permission\":\"read\"}")
                .get("sid")
                .asText();
    }

    @Test
    void markdownIsRenderedSafely() {
        TestServer.User u = ts.user(app);
        String md =
                "# Title 标题\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![img](https://evil.example/t.png)\n\n*em*";
        String sid = share(u, upload(u, "readme.md", md.getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> page = ts.send("GET", "/l/" + sid, null);
        assertThat(page.body()).contains("/l/" + sid + "/preview").contains("id=\"preview-frame\"");
        HttpResponse<String> p = ts.send("GET", "/l/" + sid + "/preview", null);
        assertThat(p.statusCode()).isEqualTo(200);
        assertThat(p.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(p.headers().firstValue("Content-Security-Policy").orElse(""))
                .startsWith("sandbox")
                .contains("default-src 'none'");
        assertThat(p.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(p.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(p.body())
                .contains("<h1>Title 标题</h1>")
                .contains("<em>em</em>")
                .doesNotContain("<script>")
                .contains("&lt;script&gt;")
                .doesNotContain("javascript:")
                .doesNotContain("evil.example");
    }

    @Test
    void previewAllowListAndHeaders() {
        TestServer.User u = ts.user(app);
        String txt = share(u, upload(u, "notes.txt", "plain 文本".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> t = ts.send("GET", "/l/" + txt + "/preview", null);
        assertThat(t.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(t.headers().firstValue("Content-Disposition").orElse("")).startsWith("inline");
        assertThat(t.body()).isEqualTo("plain 文本");
        HttpResponse<String> range = ts.send("GET", "/l/" + txt + "/preview", null, "Range", "bytes=0-4");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("plain");

        String pdf = share(u, upload(u, "doc.pdf", "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII)));
        HttpResponse<String> pp = ts.send("GET", "/l/" + pdf + "/preview", null);
        assertThat(pp.headers().firstValue("Content-Type")).contains("application/pdf");
        assertThat(pp.headers().firstValue("Content-Security-Policy")).contains("sandbox");
        String page = ts.send("GET", "/l/" + pdf, null).body();
        // drawn by the vendored PDF.js viewer from the preview URL, never framed (the browser's own viewer needed an
        // unsandboxed frame of this origin)
        assertThat(page).containsPattern("<div id=\"pdf-viewer\" class=\"pdf-viewer\" data-src=\"[^\"]+/preview\"");
        assertThat(page).doesNotContain("<iframe");

        String png = share(u, upload(u, "pic.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
        assertThat(ts.send("GET", "/l/" + png + "/preview", null).headers().firstValue("Content-Type"))
                .contains("image/png");
        assertThat(ts.send("GET", "/l/" + png, null).body()).contains("<img id=\"preview-image\"");

        for (String name : new String[] {"page.html", "icon.svg", "data.bin"}) {
            String sid = share(u, upload(u, name, "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)));
            assertThat(ts.send("GET", "/l/" + sid + "/preview", null).statusCode())
                    .as(name)
                    .isEqualTo(404);
            // the page shows the no-preview note and embeds nothing of the file
            String hostilePage = ts.send("GET", "/l/" + sid, null).body();
            assertThat(hostilePage).contains("id=\"preview-none\"");
            assertThat(hostilePage)
                    .doesNotContain("<iframe")
                    .doesNotContain("id=\"preview-image\"")
                    .doesNotContain("id=\"pdf-viewer\"");
        }
        assertThat(ts.send("GET", "/l/nonexistent1/preview", null).statusCode()).isEqualTo(404);
        HttpResponse<String> head = ts.send("HEAD", "/l/" + txt + "/preview", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length"))
                .contains(String.valueOf("plain 文本".getBytes(StandardCharsets.UTF_8).length));
        // conditional: the ETag answers 304
        String etag = t.headers().firstValue("ETag").orElseThrow();
        assertThat(ts.send("GET", "/l/" + txt + "/preview", null, "If-None-Match", etag)
                        .statusCode())
                .isEqualTo(304);
    }

    @Test
    void editTokenUrlsOpenThePages() {
        TestServer.User u = ts.user(app);
        TestServer.User stranger = ts.user(app);
        JsonNode f = upload(u, "view.txt", "view me".getBytes(StandardCharsets.UTF_8));
        String ft = f.get("id").get("open_id").asText();
        JsonNode noLink = TestServer.json(
                ts.send("GET", API + "/files/" + ft + "/links/with_edit_token?access_token=" + u.token(), null));
        assertThat(noLink.get("code").asInt()).isEqualTo(30014);
        String sid = share(u, f);
        JsonNode lt = ok(u, "GET", "/files/" + ft + "/links/with_edit_token", null);
        assertThat(lt.fieldNames()).toIterable().containsExactly("url", "token", "timeout");
        assertThat(lt.get("token").asText()).matches("ExchangeToken-[a-z]{48}");
        assertThat(lt.get("timeout").asLong()).isEqualTo(600000);
        assertThat(lt.get("url").asText())
                .endsWith("/l/" + sid + "?token=" + lt.get("token").asText());
        assertThat(ts.send("GET", "/l/" + sid + "?token=" + lt.get("token").asText(), null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ts.send("GET", "/l/" + sid + "?token=garbage", null).statusCode())
                .isEqualTo(200);

        JsonNode vt = ok(u, "GET", "/files/" + ft + "/url/with_edit_token", null);
        String url = vt.get("url").asText();
        assertThat(url).contains("/v/" + ft + "?token=");
        HttpResponse<String> view = ts.send("GET", url, null);
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).contains("view.txt").contains("/v/" + ft + "/preview?token=");
        assertThat(ts.send(
                                "GET",
                                "/v/" + ft + "/preview?token=" + vt.get("token").asText(),
                                null)
                        .body())
                .isEqualTo("view me");
        assertThat(ts.send("GET", "/v/" + ft, null).statusCode()).isEqualTo(404);
        assertThat(ts.send("GET", "/v/" + ft + "?token=ExchangeToken-bogus", null)
                        .statusCode())
                .isEqualTo(404);
        // another user's token does not open my file; their API call does not reveal it
        JsonNode st = ok(
                stranger,
                "GET",
                "/files/"
                        + upload(stranger, "s.txt", new byte[] {1})
                                .get("id")
                                .get("open_id")
                                .asText() + "/url/with_edit_token",
                null);
        assertThat(ts.send("GET", "/v/" + ft + "?token=" + st.get("token").asText(), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(TestServer.json(ts.send(
                                "GET",
                                API + "/files/" + ft + "/url/with_edit_token?access_token=" + stranger.token(),
                                null))
                        .get("code")
                        .asInt())
                .isEqualTo(30012);
        // a link member's edit token opens the owner's file on /v/
        TestServer.User member = ts.user(app);
        String memberUnion = ts.get().unionId(member);
        ok(u, "PUT", "/files/" + ft + "/links/members/" + memberUnion, "{\"permission\":\"read\"}");
        JsonNode mt = ok(member, "GET", "/files/" + ft + "/url/with_edit_token", null);
        assertThat(ts.send("GET", mt.get("url").asText(), null).statusCode()).isEqualTo(200);
        // tokens live 10 minutes by the server clock
        ts.adminOk("POST", "/clock", "{\"advance_seconds\":601}");
        assertThat(ts.send("GET", url, null).statusCode()).isEqualTo(404);
    }
}
