package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.core.TrustedProxies;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --trusted-proxies}: forwarded headers shape the public URL only when the peer is a trusted proxy. */
class TrustedProxiesTest {
    @RegisterExtension
    static final TestServerExtension trusting =
            TestServerExtension.embedded(b -> b.trustedProxies("127.0.0.1/32, ::1/128"));

    @RegisterExtension
    static final TestServerExtension elsewhere = TestServerExtension.embedded(b -> b.trustedProxies("10.0.0.0/8"));

    @RegisterExtension
    static final TestServerExtension plain = TestServerExtension.embedded();

    static String linkUrl(TestServer ts, String... headers) {
        TestServer.App app = ts.app("test");
        TestServer.User u = ts.user(app);
        String boundary = "b0undary";
        var r = ts.sendBytes(
                "POST",
                "/api/v1/openapi/personal/files/upload?access_token=" + u.token(),
                TestServer.multipart(
                        boundary,
                        "p.txt",
                        "text/plain",
                        "p".getBytes(StandardCharsets.UTF_8),
                        "path_from_root",
                        "true"),
                "Content-Type",
                "multipart/form-data; boundary=" + boundary);
        String ft = TestServer.json(new TextResponse(r))
                .get("data")
                .get("id")
                .get("open_id")
                .asText();
        String[] h = new String[headers.length];
        System.arraycopy(headers, 0, h, 0, headers.length);
        JsonNode dl = TestServer.json(ts.send(
                "GET", "/api/v1/openapi/personal/files/" + ft + "/download?access_token=" + u.token(), null, h));
        return dl.get("data").get("url").asText();
    }

    @Test
    void aTrustedProxySetsSchemeAndHost() {
        TestServer ts = trusting.get();
        assertThat(linkUrl(ts, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "docs.example.com"))
                .startsWith("https://docs.example.com/dl/");
        assertThat(linkUrl(ts, "Forwarded", "for=203.0.113.9;proto=https;host=\"files.example.org:8443\""))
                .startsWith("https://files.example.org:8443/dl/");
        // a forged host with markup or a path is ignored
        assertThat(linkUrl(ts, "X-Forwarded-Host", "evil.example/<x>")).startsWith(ts.base + "/dl/");
    }

    @Test
    void forwardedHeadersFromAnyOtherPeerAreIgnored() {
        TestServer ts = elsewhere.get();
        assertThat(linkUrl(ts, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "docs.example.com"))
                .startsWith(ts.base + "/dl/");
        TestServer other = plain.get();
        assertThat(linkUrl(other, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "docs.example.com"))
                .startsWith(other.base + "/dl/");
    }

    @Test
    void cidrsParseStrictly() throws Exception {
        TrustedProxies p = TrustedProxies.parse("10.1.0.0/16,2001:db8::/32,192.0.2.7");
        assertThat(p.trusts(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(p.trusts(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(p.trusts(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(p.trusts(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(p.trusts(InetAddress.getByName("192.0.2.8"))).isFalse();
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3.4/-1"}) {
            assertThatThrownBy(() -> TrustedProxies.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(
                        () -> ServerConfig.builder().trustedProxies("nonsense").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
