package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yundoc.protocol.Scope;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The OAuth helper: authorize URL, code exchange through auto-consent, explicit refresh, token stores. */
@ExtendWith(YundocServerExtension.class)
class OAuthTest {
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    @Test
    void authorizeUrlCarriesTheDocumentedParameters() {
        try (YundocClient c = YundocClient.builder()
                .baseUrl(yundoc.url() + "/")
                .appId("SX20220101ABCDEF")
                .appKey("k")
                .build()) {
            URI u = c.oauth()
                    .authorizeUrl(
                            "http://127.0.0.1:9/cb?x=1", List.of(Scope.USER_BASIC, Scope.ACCESS_PERSONAL_FILES), "s t");
            assertThat(u.toString())
                    .startsWith(
                            yundoc.url() + "/h5/auth?app_id=SX20220101ABCDEF&scope=user_basic%2Caccess_personal_files"
                                    + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb%3Fx%3D1&response_type=code&state=s%20t");
        }
        try (YundocClient noApp = YundocClient.builder().baseUrl(yundoc.url()).build()) {
            assertThatThrownBy(() -> noApp.oauth().authorizeUrl("http://127.0.0.1/cb", List.of(Scope.USER_BASIC), null))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> noApp.personal().create("a.docx", null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no access token");
        }
    }

    @Test
    void codeExchangeAndRefreshThroughAutoConsent() throws Exception {
        assumeTrue(
                yundoc.hasRoute("GET", "/h5/auth") && yundoc.hasRoute("POST", "/api/v1/oauth2/refresh_token"),
                "needs /h5/auth with auto-consent, the token exchange and refresh (feat-oauth)");
        String user = yundoc.createUser();
        YundocEmulator.App app = yundoc.createApp(Map.of("auto_consent_user", user));
        FileTokenStore store = new FileTokenStore(tmp.resolve("cfg/tokens.json"));
        try (YundocClient c = YundocClient.builder()
                .baseUrl(yundoc.url())
                .appId(app.appId())
                .appKey(app.appKey())
                .tokenStore(store)
                .build()) {
            String redirect = "http://127.0.0.1:4567/callback";
            URI auth = c.oauth().authorizeUrl(redirect, List.of(Scope.USER_BASIC, Scope.CREATE_PERSONAL_FILES), "xyz");
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(auth).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(302);
            URI back = URI.create(r.headers().firstValue("Location").orElseThrow());
            String code = null;
            for (String kv : back.getRawQuery().split("&", -1)) {
                if (kv.startsWith("code=")) {
                    code = URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8);
                }
            }
            assertThat(back.getRawQuery()).contains("state=xyz");
            Tokens t = c.oauth().exchangeCode(code, redirect);
            assertThat(t.refreshToken()).isNotNull();
            assertThat(t.expiresAt()).isAfter(Instant.now());
            assertThat(store.load()).contains(t);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())))
                    .isEqualTo("rw-------");
            assertThat(c.user().basic().nickname()).isNotEmpty();
            // a used code is refused (and revokes the chain, api.md §3.1)
            String used = code;
            assertThatThrownBy(() -> c.oauth().exchangeCode(used, redirect))
                    .isInstanceOfSatisfying(
                            YundocException.class, e -> assertThat(e.code()).isEqualTo(20001));
        }
    }

    @Test
    void explicitRefreshRenewsTheAccessTokenAndKeepsTheRefreshToken() {
        assumeTrue(yundoc.hasRoute("POST", "/api/v1/oauth2/refresh_token"), "needs oauth2/refresh_token (feat-oauth)");
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User u = yundoc.createUser(app);
        try (YundocClient c = yundoc.client(app, u, b -> {})) {
            Tokens fresh = c.oauth().refresh();
            assertThat(fresh.accessToken()).isNotEqualTo(u.tokens().accessToken());
            // api.md §3.1: no rotation by default, the same refresh token comes back
            assertThat(fresh.refreshToken()).isEqualTo(u.tokens().refreshToken());
            assertThat(c.personal()
                            .upload("after-refresh.txt", new byte[] {1}, Placement.root())
                            .fsize())
                    .isEqualTo(1);
        }
    }

    @Test
    void fileTokenStoreRoundTripsAtomicallyWithMode0600() throws Exception {
        FileTokenStore s = new FileTokenStore(tmp.resolve("new/dir/tokens.json"));
        assertThat(s.load()).isEmpty();
        Tokens t =
                new Tokens("secretaccessvalue", "secretrefreshvalue", Instant.parse("2030-01-01T00:00:00Z"), "SXAPP");
        s.save(t);
        assertThat(s.load()).contains(t);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(s.file().getParent())))
                .isEqualTo("rwx------");
        try (Stream<Path> left = Files.list(s.file().getParent())) {
            assertThat(left).containsExactly(s.file()); // no temp file left
        }
        assertThat(t.toString()).doesNotContain("secretaccessvalue").doesNotContain("secretrefreshvalue");
        s.clear();
        assertThat(s.load()).isEmpty();
        Files.writeString(s.file(), "{not json");
        assertThatThrownBy(s::load).isInstanceOf(YundocClientException.class);
    }
}
