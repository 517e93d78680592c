package io.yundoc.server.drive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.Chromium;
import io.yundoc.server.TestServer;
import io.yundoc.server.TestServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web drive and the inspector in headless Chromium: sign in, upload two files through the file input with a
 * progress bar each, make a folder, move a file into it, share it and open the link in a second (anonymous)
 * browser, search, delete and restore; then the inspector shows those calls. Every page gets an axe-core check (no
 * serious or critical violation) and screenshots at 1280 and 390 px go to {@code target/screenshots/}.
 */
@Tag("integration")
class DriveBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestServerExtension SERVER = TestServerExtension.embedded();

    static TestServer ts;
    static WebDriver browser;
    static Path profile;
    static Path profile2;
    static Path files;
    static String axe;
    static final List<String> checkedPages = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        if (!Chromium.installed()) {
            throw new AssertionError("headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                    + "(Debian: apt-get install chromium chromium-driver)");
        }
        try (InputStream in = DriveBrowserTest.class.getResourceAsStream("/axe/axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ts = SERVER.get();
        Files.createDirectories(SHOTS);
        profile = Files.createTempDirectory("yundoc-drive-chromium");
        profile2 = Files.createTempDirectory("yundoc-drive-chromium2");
        files = Files.createTempDirectory("yundoc-drive-files");
        browser = chromium(profile);
    }

    static WebDriver chromium(Path userDir) {
        return Chromium.start(Chromium.options(userDir, 1280, 900));
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        for (Path p : new Path[] {profile, profile2, files}) {
            if (p != null) {
                try (var walk = Files.walk(p)) {
                    walk.sorted(Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    static WebDriverWait waiting(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(30));
    }

    static WebElement byId(String id) {
        return waiting(browser).until(d -> d.findElement(By.id(id)));
    }

    /** axe-core on the current page: no serious or critical violation; then screenshots at 1280 and 390 px. */
    static void check(WebDriver d, String name) throws IOException {
        for (int width : new int[] {1280, 390}) {
            d.manage().window().setSize(new Dimension(width, width == 390 ? 844 : 900));
            JavascriptExecutor js = (JavascriptExecutor) d;
            js.executeScript(axe);
            Object result = js.executeAsyncScript("var done = arguments[arguments.length - 1];"
                    + "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
                    + "  done(JSON.stringify(r.violations.filter(function (v) {"
                    + "    return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) {"
                    + "    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return n.html; })}; })));"
                    + "}, function (e) { done('axe failed: ' + e); });");
            assertThat(result)
                    .as("axe-core on " + name + " at " + width + " px")
                    .isEqualTo("[]");
            if (width == 390) {
                Object overflow = js.executeScript("return document.documentElement.scrollWidth - window.innerWidth;");
                assertThat(((Number) overflow).intValue())
                        .as("horizontal overflow of " + name + " at 390 px")
                        .isLessThanOrEqualTo(1);
            }
            byte[] png = ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve("drive-" + name + "-" + width + ".png"), png);
        }
        d.manage().window().setSize(new Dimension(1280, 900));
        checkedPages.add(name);
    }

    static Path file(String name, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = files.resolve(name);
        Files.write(p, b);
        return p;
    }

    static WebElement row(String name) {
        return waiting(browser)
                .until(d -> d.findElements(By.cssSelector("#rows tr[data-id]")).stream()
                        .filter(r -> r.findElement(By.cssSelector("td.name"))
                                .getText()
                                .endsWith(name))
                        .findFirst()
                        .orElse(null));
    }

    @Test
    void aPersonUsesTheDriveAndTheInspectorShowsIt() throws Exception {
        ts.adminOk("POST", "/users", "{\"name\":\"li.lei\",\"password\":\"li-lei-password\",\"nickname\":\"Li Lei\"}");
        ts.adminOk("DELETE", "/requests", null);

        // sign in: /drive shows the login page and comes back
        browser.get(ts.base + "/drive");
        check(browser, "login");
        byId("username").sendKeys("li.lei");
        byId("password").sendKeys("li-lei-password", Keys.ENTER);
        waiting(browser).until(d -> d.getCurrentUrl().endsWith("/drive"));
        assertThat(byId("crumbs").getText()).contains("My documents");
        // keyboard: the first Tab reaches the skip link, which leads to the list
        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        assertThat(((JavascriptExecutor) browser).executeScript("return document.activeElement.className;"))
                .isEqualTo("skip");
        check(browser, "empty");

        // two files through the file input, each with its own progress bar
        Path a = file("report-2026.bin", 6 * 1024 * 1024, 1);
        Path b = file("minutes.txt", 300_000, 2);
        browser.findElement(By.id("upload-input")).sendKeys(a + "\n" + b);
        List<WebElement> uploads = waiting(browser).until(d -> {
            List<WebElement> li = d.findElements(By.cssSelector("#uploads li"));
            return li.size() == 2 ? li : null;
        });
        for (WebElement li : uploads) {
            assertThat(li.findElement(By.tagName("progress")).getAttribute("max"))
                    .isNotEqualTo("0");
        }
        waiting(browser)
                .until(d -> d.findElements(By.cssSelector("#uploads li[data-state=done]"))
                                        .size()
                                == 2
                        || d.findElements(By.cssSelector("#rows tr[data-id]")).size() >= 2);
        row("report-2026.bin");
        row("minutes.txt");
        check(browser, "uploaded");

        // a folder, and the report moved into it through the folder picker
        byId("mkdir-name").sendKeys("项目 Project");
        byId("mkdir-go").click();
        assertThat(byId("notice").getText()).contains("项目 Project");
        row("项目 Project");
        row("report-2026.bin")
                .findElement(By.cssSelector("input[type=checkbox]"))
                .click();
        byId("move-go").click();
        waiting(browser).until(d -> d.getCurrentUrl().contains("/drive/pick"));
        check(browser, "pick");
        waiting(browser)
                .until(d -> d.findElements(By.cssSelector("a.pick-folder")).stream()
                        .filter(x -> x.getText().equals("项目 Project"))
                        .findFirst()
                        .orElse(null))
                .click();
        byId("pick-here").click();
        waiting(browser).until(d -> d.getCurrentUrl().contains("done=moved"));
        assertThat(byId("crumbs").getText()).contains("项目 Project");
        row("report-2026.bin");

        // share it, then open the link in a second browser that is signed in to nothing
        row("report-2026.bin").findElement(By.cssSelector("a.share-link")).click();
        byId("share-panel");
        check(browser, "share-new");
        byId("share-save").click();
        String url = byId("share-url").getAttribute("value");
        assertThat(url).contains("/l/");
        byId("share-copy").click();
        waiting(browser)
                .until(d -> !d.findElement(By.id("share-copied")).getText().isEmpty());
        check(browser, "share");
        WebDriver anonymous = chromium(profile2);
        try {
            anonymous.get(url);
            assertThat(waiting(anonymous)
                            .until(d -> d.findElement(By.id("file-name")))
                            .getText())
                    .isEqualTo("report-2026.bin");
            anonymous.get(ts.base + "/drive");
            assertThat(anonymous.findElements(By.id("username"))).hasSize(1); // not signed in there
        } finally {
            anonymous.quit();
        }

        // search by name
        byId("q").sendKeys("minutes", Keys.ENTER);
        waiting(browser).until(d -> d.getCurrentUrl().contains("view=search"));
        row("minutes.txt");
        check(browser, "search");

        // delete it from the results, restore it from the recycle bin
        row("minutes.txt").findElement(By.cssSelector("input[type=checkbox]")).click();
        byId("delete-go").click();
        waiting(browser).until(d -> d.getCurrentUrl().contains("done=deleted"));
        byId("nav-trash").click();
        row("minutes.txt");
        check(browser, "trash");
        row("minutes.txt").findElement(By.cssSelector("input[type=checkbox]")).click();
        byId("restore-go").click();
        waiting(browser).until(d -> d.getCurrentUrl().contains("done=restored"));
        byId("nav-files").click();
        row("minutes.txt");

        // preview in place with the share page's viewer
        row("minutes.txt").findElement(By.cssSelector("a.item")).click();
        assertThat(byId("drive-preview").getAttribute("src")).contains("/v/");
        check(browser, "preview");

        // the inspector, signed in with the admin token, shows what the browser just did
        browser.get(ts.base + "/inspect");
        check(browser, "inspector-login");
        byId("token").sendKeys("test-admin-token", Keys.ENTER);
        WebElement journal = byId("journal");
        String calls = journal.getText();
        assertThat(calls).contains("/drive/upload").contains("/drive/action");
        assertThat(browser.getPageSource()).contains("report-2026.bin").contains("li.lei");
        check(browser, "inspector");

        JsonNode journalJson = ts.adminOk("GET", "/requests?path=/drive/upload", null);
        assertThat(journalJson.get("requests")).hasSize(2);
        assertThat(journalJson.toString()).doesNotContain("li-lei-password");
        assertThat(checkedPages)
                .contains("login", "uploaded", "pick", "share", "search", "trash", "preview", "inspector");
    }
}
