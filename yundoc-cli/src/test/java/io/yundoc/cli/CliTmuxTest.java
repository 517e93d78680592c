package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yundoc.testkit.Fault;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code yundoc} process in a real terminal (tmux): the progress bar of a slow transfer and the login
 * prompt. tmux must be installed; the test fails loudly if it is not.
 */
@ExtendWith(YundocServerExtension.class)
// integration phase (Failsafe, mvn verify): tmux driving a yundoc child process
@Tag("integration")
class CliTmuxTest {
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    String socket;
    String session = "yundoc";
    Path launcher;

    private final List<String> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/tmux")) && !onPath("tmux")) {
            fail("tmux is required for this test (apt-get install tmux)");
        }
        socket = "yundoc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        launcher = tmp.resolve("yundoc");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(
                launcher,
                "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                        + System.getProperty("java.class.path") + "' io.yundoc.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String s : sockets) {
            socket = s;
            tmux("kill-server");
        }
        yundoc.clearFaults();
    }

    private static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Starts {@code yundoc args...} in a 220-column terminal; the shell prints EXIT=<code> when it ends. */
    private void start(String env, String args) throws Exception {
        // a fresh tmux server per run: reusing a socket right after kill-server races with its shutdown
        socket = "yundoc-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        sockets.add(socket);
        String line = "cd '" + tmp + "' && env " + env + " '" + launcher + "' " + args + "; echo EXIT=$?; sleep 300";
        tmux("new-session", "-d", "-s", session, "-x", "220", "-y", "50", line);
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-J", "-t", session);
    }

    private String await(Predicate<String> done, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("");
        try {
            return Awaitility.await()
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> {
                                last.set(screen());
                                return last.get();
                            },
                            done);
        } catch (ConditionTimeoutException e) {
            return fail("terminal did not reach the expected state; screen:\n" + last.get());
        }
    }

    @Test
    void slowTransfersDrawAProgressBar() throws Exception {
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User user = yundoc.createUser(app);
        Path big = tmp.resolve("big.bin");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 48; i++) {
                out.write(chunk);
            }
        }
        String env = "YUNDOC_SERVER=" + yundoc.url() + " YUNDOC_ACCESS_TOKEN="
                + user.tokens().accessToken() + " YUNDOC_CONFIG_DIR=" + tmp.resolve("cfg");
        yundoc.addFault(Fault.on("POST /api/v1/openapi/personal/files/upload")
                .latency(Duration.ofMillis(1500))
                .count(1));
        start(env, "upload --root big.bin");
        String s = await(x -> x.contains("EXIT="), Duration.ofSeconds(60));
        assertThat(s).contains("EXIT=0");
        assertThat(s).containsPattern("upload big\\.bin \\[#{30}\\] 100% 48\\.0 MiB / 48\\.0 MiB");
        Matcher id = Pattern.compile("file\\s+big\\.bin\\s+48\\.0 MiB\\s+\\S+ \\S+\\s+(\\S+)")
                .matcher(s);
        assertThat(id.find()).as(s).isTrue();

        yundoc.addFault(Fault.on("GET /dl/**").latency(Duration.ofMillis(1500)).count(1));
        start(env, "download " + id.group(1) + " -o copy.bin");
        s = await(x -> x.contains("EXIT="), Duration.ofSeconds(60));
        assertThat(s).contains("EXIT=0").contains("verified");
        assertThat(s).containsPattern("download big\\.bin \\[#{30}\\] 100% 48\\.0 MiB / 48\\.0 MiB");
        assertThat(Files.size(tmp.resolve("copy.bin"))).isEqualTo(48L << 20);

        // a quick transfer draws nothing (a small file: 48 MiB can take over the 1 s threshold on a slow machine)
        Files.write(tmp.resolve("small.bin"), new byte[4096]);
        start(env, "upload --root small.bin");
        s = await(x -> x.contains("EXIT="), Duration.ofSeconds(60));
        assertThat(s).contains("EXIT=0").doesNotContain("[###");
        Matcher small = Pattern.compile("file\\s+small\\.bin\\s+4\\.0 KiB\\s+\\S+ \\S+\\s+(\\S+)")
                .matcher(s);
        assertThat(small.find()).as(s).isTrue();
        start(env, "download " + small.group(1) + " -o quick.bin");
        s = await(x -> x.contains("EXIT="), Duration.ofSeconds(60));
        assertThat(s).contains("EXIT=0").doesNotContain("[###");
        assertThat(Files.size(tmp.resolve("quick.bin"))).isEqualTo(4096);
    }

    @Test
    void loginPromptsAndAcceptsAPastedRedirect() throws Exception {
        YundocEmulator.App app = yundoc.createApp();
        String env = "YUNDOC_SERVER=" + yundoc.url() + " YUNDOC_APP_ID=" + app.appId() + " YUNDOC_APP_KEY="
                + app.appKey() + " YUNDOC_CONFIG_DIR=" + tmp.resolve("cfg");
        start(env, "login --no-browser");
        String s = await(x -> x.contains("paste the redirect URL here"), Duration.ofSeconds(30));
        assertThat(s).contains("Open this URL in a browser to authorize yundoc:");
        Matcher m = Pattern.compile("[?&]state=([0-9a-f]{32})").matcher(s);
        assertThat(m.find()).as(s).isTrue();
        tmux("send-keys", "-t", session, "-l", "http://127.0.0.1/callback?error=access_denied&state=" + m.group(1));
        tmux("send-keys", "-t", session, "Enter");
        s = await(x -> x.contains("EXIT="), Duration.ofSeconds(30));
        assertThat(s).contains("authorization denied: access_denied").contains("EXIT=4");
        assertThat(tmp.resolve("cfg/tokens.json")).doesNotExist();
    }

    @Test
    void loginCompletesThroughTheBrowserRedirect() throws Exception {
        assumeTrue(
                yundoc.hasRoute("GET", "/h5/auth") && yundoc.hasRoute("GET", "/api/v1/oauth2/access_token"),
                "needs /h5/auth with auto-consent and the token exchange (feat-oauth)");
        String userId = yundoc.createUser();
        YundocEmulator.App app = yundoc.createApp(Map.of("auto_consent_user", userId));
        String env = "YUNDOC_SERVER=" + yundoc.url() + " YUNDOC_APP_ID=" + app.appId() + " YUNDOC_APP_KEY="
                + app.appKey() + " YUNDOC_CONFIG_DIR=" + tmp.resolve("cfg");
        start(env, "login --no-browser");
        String s = await(x -> x.contains("paste the redirect URL here"), Duration.ofSeconds(30));
        Matcher m = Pattern.compile("(http://\\S+/h5/auth\\?\\S+)").matcher(s);
        assertThat(m.find()).as(s).isTrue();
        // the "browser": follows the auto-consent redirect to the command's loopback listener
        HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()
                .send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        s = await(x -> x.contains("EXIT="), Duration.ofSeconds(30));
        assertThat(s).contains("Logged in").contains("EXIT=0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("cfg/tokens.json"))))
                .isEqualTo("rw-------");
    }
}
