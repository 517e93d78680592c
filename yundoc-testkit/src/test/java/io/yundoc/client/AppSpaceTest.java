package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yundoc.protocol.wire.AppFileInfo;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every app-space method, WPS-2 signed by the SDK, against a real yundoc. */
@ExtendWith(YundocServerExtension.class)
class AppSpaceTest {
    YundocClient client;
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    private void needs(String method, String template) {
        assumeTrue(
                yundoc.hasRoute(method, "/api/v1/openapi" + template),
                method + " " + template + " is not routed on this build yet (arrives with feat-appspace)");
    }

    @Test
    void createUploadInfo() throws Exception {
        AppFileInfo blank = client.appSpace().create("demo", AppFolder.root(), "alice");
        assertThat(blank.size()).isZero();
        assertThat(blank.version()).isEqualTo(1);
        assertThat(blank.parentToken()).isEmpty();
        // the same bodiless-looking write twice in one second would be refused as a replay: the signer spaces them
        AppFileInfo a = client.appSpace().create("same.docx", AppFolder.path("x"), null);
        AppFileInfo b = client.appSpace().create("same.docx", AppFolder.path("y"), null);
        assertThat(a.fileToken()).isNotEqualTo(b.fileToken());

        Path src = tmp.resolve("report 报告.txt");
        Files.writeString(src, "version one");
        AppFileInfo up = client.appSpace().upload(src);
        assertThat(up.name()).isEqualTo("report 报告.txt");
        assertThat(up.size()).isEqualTo(11);
        AppFileInfo v2 = client.appSpace()
                .upload("report 报告.txt", "version two!".getBytes(StandardCharsets.UTF_8), AppFolder.root(), "bob");
        assertThat(v2.fileToken()).isEqualTo(up.fileToken());
        assertThat(v2.version()).isEqualTo(2);
        assertThat(client.appSpace().info(up.fileToken())).isEqualTo(v2);

        assertThatThrownBy(() -> client.appSpace().info("nope"))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(30012));
    }

    @Test
    void wrongKeyIs30003() {
        try (YundocClient bad = YundocClient.builder()
                .baseUrl(yundoc.url())
                .appId(client.oauth().tokens().orElseThrow().appId())
                .appKey("not-the-key-at-all-0000")
                .build()) {
            assertThatThrownBy(() -> bad.appSpace().create("k.docx", null, null))
                    .isInstanceOfSatisfying(YundocException.class, e -> {
                        assertThat(e.code()).isEqualTo(30003);
                        assertThat(e.httpStatus()).isEqualTo(401);
                    });
        }
    }

    @Test
    void downloadVersionsRevertDestroyMove() throws Exception {
        needs("GET", "/appspace/files/:file_token/download");
        AppFileInfo v1 = client.appSpace().upload("v.txt", "one".getBytes(StandardCharsets.UTF_8), null, null);
        client.appSpace().upload("v.txt", "two".getBytes(StandardCharsets.UTF_8), null, null);
        Path out = tmp.resolve("v.txt");
        client.appSpace().download(v1.fileToken(), out);
        assertThat(Files.readString(out)).isEqualTo("two");
        Models.VersionPage page = client.appSpace().versions(v1.fileToken(), null, null);
        assertThat(page.versions()).extracting(AppFileInfo::version).containsExactly(2L, 1L);
        assertThat(client.appSpace().version(v1.fileToken(), 1).size()).isEqualTo(3);
        client.appSpace().downloadVersion(v1.fileToken(), 1, out, TransferListener.NONE);
        assertThat(Files.readString(out)).isEqualTo("one");
        assertThat(client.appSpace().versionDownloadInfo(v1.fileToken(), 1).fsize())
                .isEqualTo(3);
        assertThat(client.appSpace().revert(v1.fileToken(), 1).version()).isEqualTo(3);
        AppFileInfo folderFile = client.appSpace().create("inside.docx", AppFolder.path("dir"), null);
        assertThat(client.appSpace()
                        .move(List.of(v1.fileToken()), folderFile.parentToken(), "m")
                        .fileIds())
                .containsExactly(v1.fileToken());
        client.appSpace().destroy(v1.fileToken(), "carol");
        assertThatThrownBy(() -> client.appSpace().info(v1.fileToken())).isInstanceOf(YundocException.class);
    }

    @Test
    void urlWithEditToken() {
        needs("GET", "/appspace/files/:file_token/url/with_edit_token");
        AppFileInfo f = client.appSpace().create("edit.docx", null, null);
        assertThat(client.appSpace().urlWithEditToken(f.fileToken()).token()).startsWith("ExchangeToken-");
    }
}
