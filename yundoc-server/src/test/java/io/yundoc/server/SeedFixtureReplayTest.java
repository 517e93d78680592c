package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The three seed pages replayed byte for byte (whitespace aside) with design.md's fixture file and the public base
 * URL https://kdocs.cn: requests verbatim, except the app-space Authorization, re-signed (api.md §9.1).
 */
class SeedFixtureReplayTest {
    @RegisterExtension
    static final TestServerExtension ts =
            TestServerExtension.embedded(b -> b.fixtures(fixtures()).publicUrl("https://kdocs.cn"));

    static Path fixtures() {
        try {
            return Path.of(SeedFixtureReplayTest.class
                    .getResource("/seed-fixtures.json")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String squash(String json) {
        return json.replaceAll("\\s+", "");
    }

    @Test
    void personalDownloadPage() {
        HttpResponse<String> r = ts.send(
                "GET",
                "/api/v1/openapi/personal/files/wfoKKYzWR2jyxMHCFVuBxXGszbfEtqUJ1pa5eD4tRLc/download?access_token=kvqxrspxjctdojjqdildjhonzwusaquc",
                null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(squash("""
                {
                  "code": 0,
                  "data": {
                    "checksums": {
                      "sha1": "debb6a439537c9e3c3e893be60c140e4b5237344"
                    },
                    "fsize": 24198,
                    "url": "https://wpsfile.ks3-cn-beijing.ksyun.com/111"
                  }
                }"""));
    }

    @Test
    void getLinksPage() {
        HttpResponse<String> r = ts.send(
                "GET", "/api/v1/openapi/personal/files/777/links?access_token=kvqxrspxjctdojjqdildjhonzwusaquc", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(squash("""
                {
                "code": 0,
                "data": {
                "expire_time": 1658904074,
                "ext_perm_list": ["comment"],
                "link_permission": "read",
                "link_url": "https://kdocs.cn/l/cgvAMCMGhZaa",
                "sid": "cgvAMCMGhZaa",
                "filename": "demo.docx"
                }
                }"""));
    }

    @Test
    void appSpaceFileInfoPageReSigned() {
        HttpResponse<String> r = ts.send(
                "GET",
                "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh",
                null,
                "Authorization",
                "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
                "Content-Md5",
                "d41d8cd98f00b204e9800998ecf8427e",
                "Content-Type",
                "application/json",
                "Date",
                "Wed, 23 Jan 2013 06:43:08 GMT");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(squash("""
                {
                  "code": 0,
                  "data": {
                    "content_type": "application/octet-stream",
                    "creator": 0,
                    "ctime": 1654613235,
                    "file_token": "t2v4Ga8ZUYKc12KGMdEQpBh",
                    "modifier": 0,
                    "mtime": 1654613448,
                    "name": "test(2).xlsx",
                    "parent_token": "",
                    "size": 132608,
                    "sys_metadata": {},
                    "type": "normal_file",
                    "version": 2
                  }
                }"""));
    }

    @Test
    void theDocsPlaceholderSignatureIsRefused() {
        HttpResponse<String> r = ts.send(
                "GET",
                "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh",
                null,
                "Authorization",
                "WPS-2:SX20220101ABCDEF:ac59dac1460772a04b3a97d7ef78409f28241e3a",
                "Content-Md5",
                "d41d8cd98f00b204e9800998ecf8427e",
                "Content-Type",
                "application/json",
                "Date",
                "Wed, 23 Jan 2013 06:43:08 GMT");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body())
                .isEqualTo(
                        "{\"code\":30003,\"msg\":\"InvalidSignature\",\"result\":\"InvalidSignature\",\"hint\":\"signature not match\"}");
    }
}
