package io.yundoc.server.oauth;

import io.yundoc.protocol.Scope;
import java.util.List;
import java.util.Map;

/** What the browser pages of OAuth show (templates {@code src/main/jte/auth/*.jte}); values are escaped there. */
public final class AuthViews {
    private AuthViews() {}

    /**
     * The login form. {@code appName} is null on the account page's sign-in, {@code error} null on a first visit,
     * {@code username} null unless a failed attempt is shown again; {@code hidden} holds the CSRF token and the
     * carried authorize parameters, in that order.
     */
    public record Login(
            boolean top, String appName, String error, String action, Map<String, String> hidden, String username) {}

    /** The consent form for a signed-in user. */
    public record Consent(
            boolean top,
            String appName,
            List<Scope> scopes,
            String nickname,
            String userName,
            String switchUrl,
            String redirectUri,
            Map<String, String> hidden) {}

    /** The authorized-apps page. */
    public record Apps(String nickname, String userName, List<Grant> grants, Map<String, String> logoutForm) {}

    /** One authorization on the authorized-apps page, with the hidden fields of its revoke form. */
    public record Grant(
            String name,
            String appId,
            String grantedAt,
            String zone,
            List<Scope> scopes,
            Map<String, String> revokeForm) {}

    /** An error page: the KDocs code, its name, the hint, and what it means for the person reading it. */
    public record Failure(String code, String name, String hint, String explanation) {}
}
