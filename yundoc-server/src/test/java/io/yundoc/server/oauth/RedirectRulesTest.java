package io.yundoc.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** redirect_uri matching (exact, loopback any port: RFC 8252 §7.3) and redirect building (api.md §3.1). */
class RedirectRulesTest {
    @Test
    void exactMatchOnlyOutsideLoopback() {
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://a.example/cb"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://A.example/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://a.example/cb/"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://a.example:443/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://a.example/cb?x"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("https://a.example/cb", "https://a.example/c%62"))
                .isFalse();
    }

    @Test
    void loopbackMatchesAnyPortAndNothingElse() {
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://127.0.0.1:1234/cb"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1:80/cb", "http://127.0.0.1/cb"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("http://[::1]/cb?a=1", "http://[::1]:9/cb?a=1"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("http://localhost:1/", "http://localhost:65535/"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("http://localhost", "http://localhost:8080"))
                .isTrue();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://localhost:1234/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "https://127.0.0.1:1234/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://127.0.0.1:1234@evil.example/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://127.0.0.1.evil.example/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://127.0.0.1:1234/cb2"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("http://127.0.0.1/cb", "http://127.0.0.1:x/cb"))
                .isFalse();
        assertThat(OAuthService.redirectMatches("https://127.0.0.1/cb", "https://127.0.0.1:1234/cb"))
                .isFalse();
    }

    @Test
    void redirectJoinsWithAmpersandAndPercentEncodes() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("code", "abc");
        p.put("state", "a b&c=d/é");
        assertThat(OAuthService.redirect("https://a.example/cb", p))
                .isEqualTo("https://a.example/cb?code=abc&state=a%20b%26c%3Dd%2F%C3%A9");
        assertThat(OAuthService.redirect("https://a.example/cb?t=1", p))
                .startsWith("https://a.example/cb?t=1&code=abc&state=");
        p.put("state", null);
        assertThat(OAuthService.redirect("https://a.example/cb", p)).isEqualTo("https://a.example/cb?code=abc");
    }
}
