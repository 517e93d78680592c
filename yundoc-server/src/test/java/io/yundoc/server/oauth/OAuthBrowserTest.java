package io.yundoc.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.yundoc.server.Chromium;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole authorization-code flow in headless Chromium, as an integrator's web app sees it: the browser is sent to
 * {@code /h5/auth}, signs in, consents, and lands on the app's callback (a tiny server run by this test on a loopback
 * port, matched by the registered loopback URI whatever its port); the app's "server side" then exchanges the code,
 * calls the API and refreshes. Each page is saved to {@code target/screenshots/}. Uses Debian's chromium and
 * chromedriver; nothing is installed or downloaded here.
 */
// integration phase (Failsafe, mvn verify): Chromium and chromedriver
@Tag("integration")
class OAuthBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    final TestServerExtension ts = TestServerExtension.embedded();

    HttpServer callback;
    final LinkedBlockingQueue<String> callbackQueries = new LinkedBlockingQueue<>();
    WebDriver driver;
    Path profile;

    @BeforeEach
    void start() throws IOException {
        assertThat(Files.isExecutable(CHROMIUM))
                .as(
                        "headless Chromium is needed at /usr/bin/chromium for this browser test: apt-get install chromium chromium-driver")
                .isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER))
                .as(
                        "Debian's chromedriver is needed at /usr/bin/chromedriver for this browser test: apt-get install chromium-driver")
                .isTrue();
        callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        callback.createContext("/cb", ex -> {
            callbackQueries.add(
                    ex.getRequestURI().getRawQuery() == null
                            ? ""
                            : ex.getRequestURI().getRawQuery());
            byte[] page =
                    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Integrator app</title></head><body><h1 id=\"cb\">Callback received</h1><p>The app now exchanges the code on its server.</p></body></html>"
                            .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        callback.start();
        Files.createDirectories(SHOTS);
        profile = Files.createTempDirectory("yundoc-chromium");

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        driver = Chromium.start(Chromium.options(profile, 1280, 900));
    }

    @AfterEach
    void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (callback != null) {
            callback.stop(0);
        }
        if (profile != null) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    void shot(String name) throws IOException {
        Path tmp = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(tmp, SHOTS.resolve("oauth-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void signInConsentCallbackExchangeCallRefresh() throws Exception {
        JsonNode app = ts.adminOk(
                "POST",
                "/apps",
                "{\"name\":\"Integrator Web App\",\"tier\":\"test\",\"redirect_uris\":[\"http://127.0.0.1/cb\"]}");
        String appId = app.get("app_id").asText();
        String appKey = app.get("app_key").asText();
        ts.adminOk(
                "POST",
                "/users",
                "{\"name\":\"zhangsan\",\"password\":\"s3cret-passw0rd\",\"nickname\":\"Zhang San\"}");
        String redirect = "http://127.0.0.1:" + callback.getAddress().getPort() + "/cb";
        String authorize =
                ts.base() + "/h5/auth?app_id=" + appId + "&scope=user_basic,access_personal_files,create_personal_files"
                        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&state=st-42";
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

        driver.get(authorize);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(driver.getPageSource()).contains("Integrator Web App");
        shot("1-login");
        driver.findElement(By.id("username")).sendKeys("zhangsan");
        driver.findElement(By.id("password")).sendKeys("not-the-password");
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(driver.findElement(By.id("error")).getText()).isEqualTo("Wrong user name or password.");
        shot("2-login-failed");
        assertThat(driver.findElement(By.id("username")).getAttribute("value")).isEqualTo("zhangsan");
        driver.findElement(By.id("username")).clear();
        driver.findElement(By.id("username")).sendKeys("zhangsan");
        driver.findElement(By.id("password")).sendKeys("s3cret-passw0rd");
        driver.findElement(By.id("login")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("allow")));
        String consent = driver.findElement(By.tagName("main")).getText();
        assertThat(consent)
                .contains("Integrator Web App")
                .contains("Your basic profile")
                .contains("List and read your documents")
                .contains("Create and upload documents")
                .contains("Zhang San");
        shot("3-consent");
        driver.manage().window().setSize(new Dimension(390, 844));
        shot("3-consent-phone");
        driver.manage().window().setSize(new Dimension(1280, 900));
        driver.findElement(By.id("allow")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb")));
        assertThat(driver.getCurrentUrl()).startsWith(redirect + "?code=");
        shot("4-callback");
        String query = callbackQueries.poll(10, TimeUnit.SECONDS);
        Map<String, String> q = BrowserlessFlow.params("http://x/?" + query);
        assertThat(q.get("state")).isEqualTo("st-42");
        String code = q.get("code");
        assertThat(code).matches("[a-z]{32}");

        // the app's server: exchange, call, refresh
        HttpResponse<String> ex = ts.send(
                "GET", "/api/v1/oauth2/access_token?code=" + code + "&app_id=" + appId + "&app_key=" + appKey, null);
        assertThat(ex.statusCode()).as(ex.body()).isEqualTo(200);
        JsonNode grant = TestServer.json(ex);
        assertThat(grant.get("result").asText()).isEqualTo("ok");
        String access = grant.get("data").get("access_token").asText();
        HttpResponse<String> ub = ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + access, null);
        assertThat(ub.statusCode()).as(ub.body()).isEqualTo(200);
        assertThat(TestServer.json(ub).get("data").get("nickname").asText()).isEqualTo("Zhang San");
        HttpResponse<String> created = ts.send(
                "POST",
                "/api/v1/openapi/personal/files",
                "{\"filename\":\"from-the-app.docx\"}",
                "Authorization",
                "Bearer " + access);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(TestServer.json(created).get("data").get("fname").asText()).isEqualTo("from-the-app.docx");
        HttpResponse<String> rf = ts.send(
                "POST",
                "/api/v1/oauth2/refresh_token?app_id=" + appId,
                "{\"app_key\":\"" + appKey + "\",\"refresh_token\":\""
                        + grant.get("data").get("refresh_token").asText() + "\"}");
        assertThat(rf.statusCode()).as(rf.body()).isEqualTo(200);
        String access2 = TestServer.json(rf).get("data").get("access_token").asText();
        assertThat(ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + access2, null)
                        .statusCode())
                .isEqualTo(200);

        // signed in already: a second authorization goes straight back to the app
        driver.get(authorize.replace("st-42", "again"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cb")));
        assertThat(driver.getCurrentUrl()).contains("state=again");

        // the authorized-apps page: revoke, and the tokens die at once
        driver.get(ts.base() + "/account/apps");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.className("app-name")));
        assertThat(driver.findElement(By.className("app-name")).getText()).isEqualTo("Integrator Web App");
        shot("5-authorized-apps");
        driver.findElement(By.cssSelector(".app form button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-apps")));
        shot("6-revoked");
        HttpResponse<String> dead = ts.send("GET", "/api/v1/openapi/user/basic?access_token=" + access2, null);
        assertThat(dead.statusCode()).isEqualTo(401);
        assertThat(TestServer.json(dead).get("hint").asText()).isEqualTo("access_token revoked");

        // an unregistered redirect_uri is an error page, not a redirect
        driver.get(ts.base() + "/h5/auth?app_id=" + appId + "&scope=user_basic&redirect_uri="
                + URLEncoder.encode("https://evil.example.com/cb", StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error-code")));
        assertThat(driver.findElement(By.id("error-code")).getText()).isEqualTo("20004");
        assertThat(driver.getCurrentUrl()).startsWith(ts.base());
        shot("7-error");
    }
}
