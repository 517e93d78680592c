package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.testkit.Fault;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The client commands, run in process against a real server: output, JSON and exit codes. */
@ExtendWith(YundocServerExtension.class)
class CliClientTest {
    static final ObjectMapper JSON = new ObjectMapper();
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    Cli cli;
    Cli app;
    YundocEmulator.App theApp;

    @BeforeEach
    void setUp() {
        theApp = yundoc.createApp();
        YundocEmulator.User user = yundoc.createUser(theApp);
        String config = tmp.resolve("config").toString();
        cli = new Cli("--server", yundoc.url(), "--access-token", user.tokens().accessToken(), "--config-dir", config);
        app = new Cli(
                "--server",
                yundoc.url(),
                "--app-id",
                theApp.appId(),
                "--app-key",
                theApp.appKey(),
                "--config-dir",
                config);
    }

    @AfterEach
    void clearFaults() {
        yundoc.clearFaults();
    }

    private Path file(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    private String uploadedToken(Cli c, Path p, String... extra) throws Exception {
        String[] args = new String[3 + extra.length];
        args[0] = "upload";
        args[1] = "--json";
        args[2] = p.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        Cli.Result r = c.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode n = JSON.readTree(r.out());
        return n.has("file_token")
                ? n.get("file_token").asText()
                : n.at("/id/open_id").asText();
    }

    @Test
    void uploadPrintsATableOrJson() throws Exception {
        Path p = file("notes 笔记.txt", "twelve bytes");
        Cli.Result table = cli.run("upload", p.toString(), "--path", "docs/2024", "--root");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).startsWith("TYPE").contains("notes 笔记.txt").contains("12 B");
        assertThat(table.err()).doesNotContain("\r"); // no progress bar when stderr is not a terminal
        Cli.Result json = cli.run("upload", "--json", p.toString());
        JsonNode n = JSON.readTree(json.out());
        assertThat(n.get("fname").asText())
                .isEqualTo("notes 笔记(2).txt".equals(n.get("fname").asText()) ? "notes 笔记(2).txt" : "notes 笔记.txt");
        assertThat(n.get("fsize").asLong()).isEqualTo(12);
    }

    @Test
    void downloadVerifiesAndNamesTheFile() throws Exception {
        String token = uploadedToken(cli, file("report.txt", "the report"), "--root");
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Cli.Result r = cli.run("download", token, "-o", dir.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Downloaded").contains("verified");
        assertThat(Files.readString(dir.resolve("report.txt"))).isEqualTo("the report");
        Cli.Result j =
                cli.run("download", "--json", token, "-o", tmp.resolve("x.txt").toString());
        assertThat(JSON.readTree(j.out()).get("size").asLong()).isEqualTo(10);
    }

    @Test
    void shareAndInfo() throws Exception {
        String token = uploadedToken(cli, file("s.txt", "share me"), "--root");
        Cli.Result none = cli.run("info", token);
        assertThat(none.out()).contains("not shared").contains("8 (8 B)");
        Cli.Result s = cli.run("share", token, "--comment", "--period", "7");
        assertThat(s.exit()).as(s.toString()).isZero();
        assertThat(s.out())
                .startsWith(yundoc.url() + "/l/")
                .contains("read + comment")
                .contains("expires");
        Cli.Result j = cli.run("share", "--json", token, "--write");
        assertThat(JSON.readTree(j.out()).get("link_permission").asText()).isEqualTo("write");
        assertThat(cli.run("info", "--json", token).out()).contains("\"link\"").contains("write");
        assertThat(cli.run("share", token, "--period", "5").exit()).isEqualTo(2);
    }

    @Test
    void appSpaceUploadInfoDownload() throws Exception {
        String token =
                uploadedToken(app, file("app.txt", "app bytes"), "--app", "--path", "in/here", "--creator", "cli");
        Cli.Result info = app.run("info", "--app", token);
        assertThat(info.exit()).as(info.toString()).isZero();
        assertThat(info.out()).contains("app.txt").contains("version").contains("\"cli\"");
        Cli.Result again = app.run(
                "upload", "--app", "--path", "in/here", tmp.resolve("app.txt").toString());
        assertThat(again.out()).contains(token);
        assumeTrue(
                yundoc.hasRoute("GET", "/api/v1/openapi/appspace/files/:file_token/download"), "needs feat-appspace");
        Cli.Result dl = app.run(
                "download", "--app", token, "-o", tmp.resolve("back.txt").toString());
        assertThat(dl.exit()).as(dl.toString()).isZero();
        Cli.Result v = app.run("versions", token);
        assertThat(v.out()).contains("2").contains("1");
    }

    @Test
    void personalOperationsFromOtherBranches() throws Exception {
        assumeTrue(yundoc.hasRoute("GET", "/api/v1/openapi/personal/files"), "needs feat-personal");
        String a = uploadedToken(cli, file("ls-a.txt", "a"), "--root", "--path", "lsdir");
        Cli.Result ls = cli.run("ls");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.out()).contains("lsdir");
        Cli.Result cp = cli.run("cp", "--json", a);
        assertThat(cp.exit()).as(cp.toString()).isZero();
        assertThat(cli.run("rm", a).exit()).isZero();
        assertThat(cli.run("unshare", a).exit()).isNotZero();
    }

    @Test
    void exitCodes() throws Exception {
        Cli.Result missing = cli.run("download", "no-such-token");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("30012 FileNotExists");

        Cli.Result badToken = new Cli(
                        "--server",
                        yundoc.url(),
                        "--access-token",
                        "nottherighttoken",
                        "--config-dir",
                        tmp.resolve("c2").toString())
                .run("download", "x");
        assertThat(badToken.exit()).isEqualTo(4);
        assertThat(badToken.err()).contains("20007");

        Cli.Result notLoggedIn = new Cli(
                        "--server",
                        yundoc.url(),
                        "--config-dir",
                        tmp.resolve("c3").toString())
                .run("download", "x");
        assertThat(notLoggedIn.exit()).isEqualTo(4);
        assertThat(notLoggedIn.err()).contains("not logged in");

        Cli.Result wrongKey = new Cli(
                        "--server",
                        yundoc.url(),
                        "--app-id",
                        theApp.appId(),
                        "--app-key",
                        "wrong-key-wrong-key",
                        "--config-dir",
                        tmp.resolve("c4").toString())
                .run("info", "--app", "x");
        assertThat(wrongKey.exit()).isEqualTo(4);
        assertThat(wrongKey.err()).contains("30003");

        Cli.Result unreachable = new Cli(
                        "--server",
                        "http://127.0.0.1:1",
                        "--access-token",
                        "x",
                        "--config-dir",
                        tmp.resolve("c5").toString())
                .run("download", "x");
        assertThat(unreachable.exit()).isEqualTo(3);

        assertThat(cli.run("download").exit()).isEqualTo(2);
        assertThat(cli.run("upload", "--no-such-flag", "x").exit()).isEqualTo(2);
        assertThat(cli.run("ls", "--app").exit()).isEqualTo(2);
        assertThat(cli.run("upload", tmp.resolve("does-not-exist").toString()).exit())
                .isEqualTo(3);
    }

    @Test
    void aCorruptDownloadExits3AndLeavesNothing() throws Exception {
        String token = uploadedToken(cli, file("c.txt", "corrupt me please"), "--root");
        yundoc.addFault(Fault.on("GET /dl/**").corrupt().count(1));
        Path target = tmp.resolve("c-out.txt");
        Cli.Result r = cli.run("download", token, "-o", target.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("checksums");
        assertThat(target).doesNotExist();
    }

    @Test
    void fileTokensMayStartWithADash() throws Exception {
        YundocEmulator.User u = yundoc.createUser(theApp);
        String id = "-dashFirst" + System.nanoTime() % 100000;
        yundoc.loadFixtures(JSON.readTree("{\"files\":[{\"space\":\"personal\",\"owner\":\"" + u.userId()
                + "\",\"id\":\"" + id + "\",\"name\":\"dash.txt\",\"text\":\"dash\"}]}"));
        Cli c = new Cli(
                "--server",
                yundoc.url(),
                "--access-token",
                u.tokens().accessToken(),
                "--config-dir",
                tmp.resolve("d").toString());
        Cli.Result r = c.run("download", id, "-o", tmp.resolve("dash.txt").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readString(tmp.resolve("dash.txt"))).isEqualTo("dash");
        assertThat(c.run("info", "--bogus-flag").exit()).isEqualTo(2);
    }

    @Test
    void completionScript() {
        Cli.Result r = Cli.raw("completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains("complete -F")
                .contains("yundoc")
                .contains("download")
                .contains("--json");
    }

    @Test
    void loginDeniedAndStateChecked() throws Exception {
        Path config = tmp.resolve("login-config");
        for (String answer : new String[] {"error=access_denied&state=%s", "code=abc&state=not-the-state"}) {
            var out = new StringWriter();
            var err = new StringWriter();
            String[] args = {
                "login",
                "--server",
                yundoc.url(),
                "--app-id",
                theApp.appId(),
                "--app-key",
                theApp.appKey(),
                "--config-dir",
                config.toString(),
                "--no-browser",
                "--login-timeout",
                "30"
            };
            var cl = Main.commandLine(args);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> err.toString().contains("Waiting for the redirect"));
            Matcher m = Pattern.compile("(http://\\S+/h5/auth\\S+)").matcher(err.toString());
            assertThat(m.find()).isTrue();
            URI auth = URI.create(m.group(1));
            String state = query(auth, "state");
            String redirect = URLDecoder.decode(query(auth, "redirect_uri"), StandardCharsets.UTF_8);
            HttpClient http = HttpClient.newHttpClient();
            // a stray request does not end the wait
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(redirect + "?foo=bar"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(404);
            assertThat(exit).isNotDone();
            http.send(
                    HttpRequest.newBuilder(URI.create(redirect + "?" + answer.formatted(state)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(4);
        }
        assertThat(config.resolve("tokens.json")).doesNotExist();
    }

    @Test
    void loginWithAutoConsentStoresTokensWithMode0600() throws Exception {
        assumeTrue(
                yundoc.hasRoute("GET", "/h5/auth") && yundoc.hasRoute("GET", "/api/v1/oauth2/access_token"),
                "needs /h5/auth with auto-consent and the token exchange (feat-oauth)");
        String userId = yundoc.createUser();
        YundocEmulator.App consenting = yundoc.createApp(Map.of("auto_consent_user", userId));
        Path config = tmp.resolve("login-ok");
        var err = new StringWriter();
        var out = new StringWriter();
        String[] args = {
            "login",
            "--server",
            yundoc.url(),
            "--app-id",
            consenting.appId(),
            "--app-key",
            consenting.appKey(),
            "--config-dir",
            config.toString(),
            "--no-browser",
            "--login-timeout",
            "30"
        };
        var cl = Main.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> err.toString().contains("Waiting for the redirect"));
        Matcher m = Pattern.compile("(http://\\S+/h5/auth\\S+)").matcher(err.toString());
        assertThat(m.find()).isTrue();
        HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(exit.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Logged in");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("tokens.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("config.json"))))
                .isEqualTo("rw-------");
        Cli loggedIn = new Cli("--config-dir", config.toString());
        Cli.Result up =
                loggedIn.run("upload", "--json", file("after-login.txt", "x").toString());
        assertThat(up.exit()).as(up.toString()).isZero();
    }

    private static String query(URI u, String name) {
        for (String kv : u.getRawQuery().split("&", -1)) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + u);
    }
}
