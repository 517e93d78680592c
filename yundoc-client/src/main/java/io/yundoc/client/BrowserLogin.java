package io.yundoc.client;

import io.yundoc.protocol.Scope;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * How {@link OAuth#loginWithBrowser(BrowserLogin)} runs the authorization-code flow of a program on the user's own
 * machine (RFC 8252, loopback redirect): the scopes to ask for, the port of the receiver on 127.0.0.1, how long to
 * wait, what to do with the authorize URL (open a browser, print it), and optionally a redirect the user pasted.
 *
 * <pre>{@code
 * BrowserLogin login = BrowserLogin.builder()
 *         .scopes(List.of(Scope.USER_BASIC, Scope.ACCESS_PERSONAL_FILES))
 *         .onAuthorizeUrl(started -> System.out.println("Open " + started.authorizeUrl()))
 *         .build();
 * Tokens tokens = client.oauth().loginWithBrowser(login);
 * }</pre>
 */
public final class BrowserLogin {
    final List<Scope> scopes;
    final int port;
    final Duration timeout;
    final Consumer<Started> onAuthorizeUrl;
    final CompletionStage<String> pasted;

    private BrowserLogin(Builder b) {
        this.scopes = List.copyOf(b.scopes);
        this.port = b.port;
        this.timeout = b.timeout;
        this.onAuthorizeUrl = b.onAuthorizeUrl;
        this.pasted = b.pasted;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The receiver is listening: send the user to {@code authorizeUrl}. The app must have a loopback redirect URI
     * registered with the same path, such as {@code http://127.0.0.1/callback} (any port matches).
     *
     * @param authorizeUrl the {@code /h5/auth} page to open in the user's browser
     * @param redirectUri  where the browser comes back to: {@code http://127.0.0.1:<port>/callback}
     */
    public record Started(URI authorizeUrl, URI redirectUri) {
        /** The receiver's port on 127.0.0.1. */
        public int port() {
            return redirectUri.getPort();
        }
    }

    /** Options of {@link BrowserLogin}; {@code onAuthorizeUrl} is required. */
    public static final class Builder {
        private List<Scope> scopes = Arrays.asList(Scope.values());
        private int port;
        private Duration timeout = Duration.ofMinutes(5);
        private Consumer<Started> onAuthorizeUrl;
        private CompletionStage<String> pasted;

        private Builder() {}

        /**
         * The scopes to ask for.
         *
         * @param v the scopes (default: every scope)
         */
        public Builder scopes(Collection<Scope> v) {
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("at least one scope is required");
            }
            scopes = new ArrayList<>(v);
            return this;
        }

        /**
         * The receiver's port.
         *
         * @param v the port on 127.0.0.1 (default 0: any free port)
         */
        public Builder port(int v) {
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            port = v;
            return this;
        }

        /**
         * How long to wait for the redirect.
         *
         * @param v the time limit (default 5 minutes)
         */
        public Builder timeout(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            timeout = v;
            return this;
        }

        /**
         * What to do with the authorization URL.
         *
         * @param v called once, when the receiver listens, with the URL to open; the call waits for the redirect
         *          after it returns
         */
        public Builder onAuthorizeUrl(Consumer<Started> v) {
            onAuthorizeUrl = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Another source of the code: what the user pastes.
         *
         * @param v completes with what the user pasted instead of letting the browser come back (a browser on
         *          another machine cannot reach this one's 127.0.0.1): the whole redirect URL, its query string, or
         *          the bare code. Whichever of the redirect and this arrives first counts.
         */
        public Builder pastedRedirect(CompletionStage<String> v) {
            pasted = Objects.requireNonNull(v);
            return this;
        }

        public BrowserLogin build() {
            if (onAuthorizeUrl == null) {
                throw new IllegalStateException(
                        "onAuthorizeUrl is required: the user has to be sent to the authorize URL");
            }
            return new BrowserLogin(this);
        }
    }
}
