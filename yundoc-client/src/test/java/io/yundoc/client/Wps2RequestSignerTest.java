package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.protocol.Hex;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SDK's WPS-2 headers against the api.md §3.4 test vectors, and the spacing of repeated signed writes. */
class Wps2RequestSignerTest {
    static final Clock AT_2013 = Clock.fixed(Instant.parse("2013-01-23T06:43:08Z"), ZoneOffset.UTC);
    final Wps2RequestSigner signer = new Wps2RequestSigner("SX20220101ABCDEF", "wJalrXUtnFEYEXAMPLEKES", AT_2013);

    @Test
    void bodilessGetSignsTheMd5OfPathAndQuery() {
        Map<String, String> h = signer.headers(
                "GET",
                "/api/v1/openapi/appspace/files/t2v4Ga8ZUYKc12KGMdEQpBh/versions?offset=0&count=10",
                null,
                "application/json");
        assertThat(h)
                .containsEntry("Date", "Wed, 23 Jan 2013 06:43:08 GMT")
                .containsEntry("Content-Md5", "3ef4029e662b4df7e947b47910748de0")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Authorization", "WPS-2:SX20220101ABCDEF:bf3874fd398650fb20256a1172b9d95570f16809");
    }

    @Test
    void jsonBodySignsItsMd5() {
        String md5 = Hex.md5("{\"filename\":\"demo.docx\"}".getBytes(StandardCharsets.UTF_8));
        Map<String, String> h = signer.headers("POST", "/api/v1/openapi/appspace/files", md5, "application/json");
        assertThat(h)
                .containsEntry("Content-Md5", "39cbcc18cf9eef5dde3d46986d2625ce")
                .containsEntry("Authorization", "WPS-2:SX20220101ABCDEF:24e8beddf750ec522e7276b5cd412fb3a16b0477");
    }

    @Test
    void identicalWritesInOneSecondGetDifferentDates() {
        Wps2RequestSigner live = new Wps2RequestSigner("SX20220101ABCDEF", "k", Clock.systemUTC());
        Map<String, String> a = live.headers(
                "POST", "/api/v1/openapi/appspace/files", "d41d8cd98f00b204e9800998ecf8427e", "application/json");
        Map<String, String> b = live.headers(
                "POST", "/api/v1/openapi/appspace/files", "d41d8cd98f00b204e9800998ecf8427e", "application/json");
        assertThat(b.get("Date")).isNotEqualTo(a.get("Date"));
        // reads are replayable by design: no spacing
        long t0 = System.nanoTime();
        live.headers("GET", "/x", null, "application/json");
        live.headers("GET", "/x", null, "application/json");
        assertThat(System.nanoTime() - t0).isLessThan(500_000_000L);
    }
}
