package io.yundoc.server.oauth;

import io.yundoc.protocol.Scope;
import io.yundoc.server.auth.AppRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code /h5/auth} request. {@code redirectUri} is the URI as the app sent it (after one decoding),
 * which is where the code goes and what the code is bound to.
 */
public record AuthRequest(
        AppRecord app,
        String redirectUri,
        Set<Scope> scopes,
        String rawScope,
        String state,
        boolean logoutAfterAuth,
        boolean header) {

    /** The parameters to carry through the login and consent forms (re-validated on every post). */
    public Map<String, String> carried() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("app_id", app.appId());
        m.put("scope", rawScope);
        m.put("redirect_uri", redirectUri);
        if (state != null) {
            m.put("state", state);
        }
        if (logoutAfterAuth) {
            m.put("logout_after_auth", "true");
        }
        if (!header) {
            m.put("header", "false");
        }
        return m;
    }
}
