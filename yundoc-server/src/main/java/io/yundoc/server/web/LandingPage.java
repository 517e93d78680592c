package io.yundoc.server.web;

import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a person sees at the server's root: what yundoc is, its mode, and links to the API reference, {@code /health},
 * {@code /metrics} and the account page; and {@code /docs}, Swagger UI on {@code /openapi}, served from the
 * swagger-ui WebJar in the jar (no CDN).
 */
public final class LandingPage implements ApiRoutes {
    private static final byte[] CSS = Pages.BASE_CSS.getBytes(StandardCharsets.UTF_8);
    private static final String SWAGGER = "/META-INF/resources/webjars/swagger-ui/" + swaggerVersion() + "/";
    /** The files /docs/assets serves, and where each comes from; nothing else is reachable through that route. */
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", SWAGGER + "swagger-ui.css",
            "swagger-ui-bundle.js", SWAGGER + "swagger-ui-bundle.js",
            "init.js", "/static/docs/init.js");

    private static final String PAGE_CSP =
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'";
    /** Swagger UI sets inline styles and shows data: icons; scripts stay same-origin only. */
    private static final String DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    /** What the landing page says about this server. */
    public record Model(boolean scaleOut, boolean dev, String baseUrl, String version) {}

    private final boolean scaleOut;
    private final boolean dev;
    private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();

    public LandingPage(boolean scaleOut, boolean dev) {
        this.scaleOut = scaleOut;
        this.dev = dev;
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/", this::landing);
        r.open(Method.GET, "/docs", this::docs);
        r.open(Method.GET, "/docs/assets/:name", this::asset);
        r.open(Method.GET, "/static/yundoc.css", c -> {
            c.response().header("Content-Type", "text/css; charset=utf-8");
            c.response().header("Cache-Control", "public, max-age=3600");
            c.response().send(CSS);
        });
    }

    static String version() {
        String v = LandingPage.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    private static String swaggerVersion() {
        // the WebJar's own pom.properties names its version; the path inside the jar carries it
        try (var in = LandingPage.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            var p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (Exception e) {
            throw new IllegalStateException("the swagger-ui WebJar is missing from the class path", e);
        }
    }

    private void landing(Call c) {
        PageText t = PageText.of(c.request());
        html(
                c,
                Pages.render("landing.jte", Map.of("t", t, "m", new Model(scaleOut, dev, c.baseUrl(), version()))),
                PAGE_CSP);
    }

    private void docs(Call c) {
        html(c, Pages.render("docs.jte", Map.of("t", PageText.of(c.request()))), DOCS_CSP);
    }

    private static void html(Call c, String body, String csp) {
        var res = c.response();
        res.header("Content-Type", "text/html; charset=utf-8");
        res.header("Content-Security-Policy", csp);
        res.header("X-Frame-Options", "DENY");
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header("Cache-Control", "no-cache");
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    private void asset(Call c) {
        String name = c.param("name");
        String resource = ASSETS.get(name);
        if (resource == null) {
            c.response().status(404);
            c.response().header("Content-Type", "text/plain; charset=utf-8");
            c.response().send("not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] bytes = assetCache.computeIfAbsent(name, n -> OpsRoutes.load(resource));
        c.response()
                .header(
                        "Content-Type",
                        name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        c.response().header("Cache-Control", "public, max-age=3600");
        c.response().header("X-Content-Type-Options", "nosniff");
        c.response().send(bytes);
    }
}
