package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.client.BrowserLogin;
import io.yundoc.client.BrowserLoginException;
import io.yundoc.client.InMemoryTokenStore;
import io.yundoc.client.Tokens;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.Scope;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SDK's {@code OAuth.loginWithBrowser} (the loopback receiver {@code yundoc login} uses) against a real server:
 * the "browser" is an HTTP client that follows the server's redirects, with an auto-consenting app standing in for
 * the person who clicks Allow.
 */
@ExtendWith(YundocServerExtension.class)
class BrowserLoginTest {
    private static final HttpClient BROWSER =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final HttpClient NO_REDIRECTS = HttpClient.newHttpClient();
    YundocEmulator yundoc;

    private YundocClient client(YundocEmulator.App app, InMemoryTokenStore store) {
        return YundocClient.builder()
                .baseUrl(yundoc.url())
                .appId(app.appId())
                .appKey(app.appKey())
                .tokenStore(store)
                .build();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The status line of a GET sent as raw bytes: java.net.URI refuses a malformed escape before it is sent. */
    private static String rawGet(int port, String target) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static URI with(URI redirectUri, String query) {
        return URI.create(redirectUri + "?" + query);
    }

    @Test
    void theBrowsersRedirectEndsInSavedTokensThatWork() throws Exception {
        YundocEmulator.App app = yundoc.createApp(Map.of("auto_consent_user", yundoc.createUser()));
        InMemoryTokenStore store = new InMemoryTokenStore();
        AtomicReference<BrowserLogin.Started> seen = new AtomicReference<>();
        try (YundocClient c = client(app, store)) {
            Tokens t = c.oauth()
                    .loginWithBrowser(BrowserLogin.builder()
                            .scopes(List.of(Scope.USER_BASIC))
                            .onAuthorizeUrl(started -> {
                                seen.set(started);
                                // a stray request and one with a broken escape are answered 404 and do not end the wait
                                assertThat(get(NO_REDIRECTS, with(started.redirectUri(), "foo=bar"))
                                                .statusCode())
                                        .isEqualTo(404);
                                assertThat(rawGet(started.port(), "/callback?code=%zz&state=x"))
                                        .matches("HTTP/1.1 4\\d\\d .*");
                                assertThat(get(BROWSER, started.authorizeUrl()).body())
                                        .contains("authorization received");
                            })
                            .build());
            assertThat(store.load()).contains(t);
            assertThat(c.user().basic().nickname()).isNotBlank();
        }
        BrowserLogin.Started s = seen.get();
        assertThat(s.redirectUri().toString()).isEqualTo("http://127.0.0.1:" + s.port() + "/callback");
        assertThat(s.authorizeUrl().getRawQuery()).contains("scope=user_basic").contains("state=");
        // the receiver is gone once the call returns
        assertThatThrownBy(() -> NO_REDIRECTS.send(
                        HttpRequest.newBuilder(with(s.redirectUri(), "code=x")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void deniedForeignStateMissingCodeAndTimeoutStoreNothing() {
        YundocEmulator.App app = yundoc.createApp();
        InMemoryTokenStore store = new InMemoryTokenStore();
        try (YundocClient c = client(app, store)) {
            record Case(String query, BrowserLoginException.Reason reason, String message) {}
            for (Case k : List.of(
                    new Case(
                            "error=access_denied&state=%s",
                            BrowserLoginException.Reason.DENIED, "authorization denied: access_denied"),
                    new Case(
                            "code=abc&state=not-this-login",
                            BrowserLoginException.Reason.STATE_MISMATCH,
                            "state does not match"),
                    new Case("code=abc", BrowserLoginException.Reason.STATE_MISMATCH, "state does not match"),
                    new Case("code=&state=%s", BrowserLoginException.Reason.NO_CODE, "carries no code"))) {
                assertThatThrownBy(() -> c.oauth()
                                .loginWithBrowser(BrowserLogin.builder()
                                        .timeout(Duration.ofSeconds(20))
                                        .onAuthorizeUrl(started -> {
                                            String state = started.authorizeUrl()
                                                    .getRawQuery()
                                                    .replaceAll(".*[?&]?state=([0-9a-f]+).*", "$1");
                                            assertThat(get(
                                                                    NO_REDIRECTS,
                                                                    with(
                                                                            started.redirectUri(),
                                                                            k.query()
                                                                                    .formatted(state)))
                                                            .statusCode())
                                                    .isEqualTo(200);
                                        })
                                        .build()))
                        .isInstanceOfSatisfying(
                                BrowserLoginException.class,
                                e -> assertThat(e.reason()).isEqualTo(k.reason()))
                        .hasMessageContaining(k.message());
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.oauth()
                            .loginWithBrowser(BrowserLogin.builder()
                                    .timeout(Duration.ofSeconds(1))
                                    .onAuthorizeUrl(started -> {})
                                    .build()))
                    .isInstanceOfSatisfying(
                            BrowserLoginException.class,
                            e -> assertThat(e.reason()).isEqualTo(BrowserLoginException.Reason.TIMEOUT))
                    .hasMessage("no authorization within 1 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        assertThat(store.load()).isEmpty();
    }

    @Test
    void aPastedRedirectUrlOrBareCodeCompletesTheLogin() {
        YundocEmulator.App app = yundoc.createApp(Map.of("auto_consent_user", yundoc.createUser()));
        for (boolean bareCode : new boolean[] {false, true}) {
            InMemoryTokenStore store = new InMemoryTokenStore();
            CompletableFuture<String> pasted = new CompletableFuture<>();
            try (YundocClient c = client(app, store)) {
                Tokens t = c.oauth()
                        .loginWithBrowser(BrowserLogin.builder()
                                .scopes(List.of(Scope.USER_BASIC))
                                .pastedRedirect(pasted)
                                .onAuthorizeUrl(started -> {
                                    // the browser is elsewhere: its redirect never reaches this receiver, the user
                                    // copies it
                                    HttpResponse<String> r = get(NO_REDIRECTS, started.authorizeUrl());
                                    assertThat(r.statusCode()).isEqualTo(302);
                                    URI location = URI.create(
                                            r.headers().firstValue("location").orElseThrow());
                                    String code = location.getRawQuery().replaceAll(".*[?&]?code=([^&]+).*", "$1");
                                    pasted.complete(bareCode ? "  " + code + "\n" : location.toString());
                                })
                                .build());
                assertThat(store.load()).contains(t);
                assertThat(c.user().basic().nickname()).isNotBlank();
            }
        }
    }
}
