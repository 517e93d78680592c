package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.yundoc.protocol.wire.DownloadInfo;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.protocol.wire.LinkInfo;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every personal-space and user method of the SDK against a real yundoc. Endpoints that arrive with other work
 * (feat-personal, feat-oauth) are skipped by an assumption while the server does not route them.
 */
@ExtendWith(YundocServerExtension.class)
class PersonalFilesTest {
    YundocClient client;
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    private void needs(String method, String template, String branch) {
        assumeTrue(
                yundoc.hasRoute(method, "/api/v1/openapi" + template),
                method + " " + template + " is not routed on this build yet (arrives with " + branch + ")");
    }

    private static String id(FileItem f) {
        return f.id().openId();
    }

    @Test
    void uploadFromPathAndBytesThenVerifiedDownload() throws Exception {
        Path src = tmp.resolve("hello 你好.txt");
        Files.writeString(src, "hello from the SDK");
        FileItem up = client.personal().upload(src, Placement.root());
        assertThat(up.fname()).isEqualTo("hello 你好.txt");
        assertThat(up.fsize()).isEqualTo(18);
        assertThat(up.ftype()).isEqualTo("file");

        FileItem mem = client.personal().upload("mem.bin", new byte[] {1, 2, 3}, Placement.path(false, "a", "b"));
        assertThat(mem.fsize()).isEqualTo(3);

        DownloadInfo info = client.personal().downloadInfo(id(up));
        assertThat(info.fsize()).isEqualTo(18);
        assertThat(info.url()).startsWith(yundoc.url() + "/dl/");

        Path out = tmp.resolve("out/copy.txt");
        Models.DownloadResult r = client.download(id(up), out);
        assertThat(Files.readString(out)).isEqualTo("hello from the SDK");
        assertThat(r.sha1()).isEqualTo(info.checksums().sha1());
        assertThat(r.resumes()).isZero();
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).containsExactly(out); // no temp file left behind
        }
    }

    @Test
    void uploadReportsProgress() throws Exception {
        Path src = tmp.resolve("big.bin");
        Files.write(src, new byte[300_000]);
        List<Long> seen = new ArrayList<>();
        FileItem up = client.personal().upload(src, "big.bin", Placement.root(), (done, total) -> {
            assertThat(total).isEqualTo(300_000);
            seen.add(done);
        });
        assertThat(up.fsize()).isEqualTo(300_000);
        assertThat(seen).isNotEmpty().last().isEqualTo(300_000L);
        List<Long> dl = new ArrayList<>();
        client.personal().download(id(up), tmp.resolve("big.copy"), (done, total) -> dl.add(done));
        assertThat(dl).last().isEqualTo(300_000L);
    }

    @Test
    void createBlankDocumentInTheAppFolder() {
        FileItem f = client.personal().create("plan.docx", Placement.appFolder());
        assertThat(f.fname()).isEqualTo("plan.docx");
        assertThat(f.fsize()).isPositive();
        FileItem online = client.personal().create("sheet.ksheet", null);
        assertThat(online.fsize()).isZero();
        YundocException e = Assertions.assertThrows(
                YundocException.class, () -> client.personal().downloadInfo(id(online)));
        assertThat(e.code()).isEqualTo(30006);
        assertThat(e.name()).isEqualTo("OnlineFileType");
        assertThat(e.httpStatus()).isEqualTo(409);
        assertThat(e.requestId()).isPresent();
    }

    @Test
    void errorsAreTyped() {
        YundocException e = Assertions.assertThrows(
                YundocException.class, () -> client.personal().downloadInfo("no-such-file"));
        assertThat(e.code()).isEqualTo(30012);
        assertThat(e.name()).isEqualTo("FileNotExists");
        assertThat(e.httpStatus()).isEqualTo(404);
        assertThat(e.hint()).isNotEmpty();
        assertThat(e.getMessage()).contains("30012").contains("FileNotExists");

        YundocException bad = Assertions.assertThrows(
                YundocException.class, () -> client.personal().create("x.unknownext", Placement.root()));
        assertThat(bad.code()).isEqualTo(10001);

        try (YundocClient noToken = YundocClient.builder()
                .baseUrl(yundoc.url())
                .accessToken("wrongwrongwrong")
                .build()) {
            YundocException auth = Assertions.assertThrows(
                    YundocException.class, () -> noToken.personal().create("a.docx", Placement.root()));
            assertThat(auth.code()).isEqualTo(20007);
            assertThat(auth.isAuthError()).isTrue();
            assertThat(auth.httpStatus()).isEqualTo(401);
        }
    }

    @Test
    void shareAndReadTheLink() {
        FileItem f = client.personal().upload("shared.txt", "s".getBytes(StandardCharsets.UTF_8), Placement.root());
        assertThatThrownBy(() -> client.personal().getLink(id(f)))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(30014));
        LinkInfo l =
                client.personal().share(id(f), LinkOptions.read().withComments().withPeriod(7));
        assertThat(l.linkPermission()).isEqualTo("read");
        assertThat(l.extPermList()).containsExactly("comment");
        assertThat(l.linkUrl()).isEqualTo(yundoc.url() + "/l/" + l.sid());
        assertThat(l.expireTime()).isPositive();
        assertThat(client.personal().getLink(id(f))).isEqualTo(l);
        LinkInfo reset = client.personal().share(id(f), LinkOptions.write().withReset());
        assertThat(reset.sid()).isNotEqualTo(l.sid());
        assertThat(reset.linkPermission()).isEqualTo("write");
    }

    @Test
    void unshareAndMembers() {
        needs("DELETE", "/personal/files/:file_token/links", "feat-personal");
        FileItem f = client.personal().upload("unshare.txt", "u".getBytes(StandardCharsets.UTF_8), Placement.root());
        client.personal().share(id(f), LinkOptions.read());
        client.personal().unshare(id(f));
        assertThatThrownBy(() -> client.personal().getLink(id(f)))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(30014));
    }

    @Test
    void listingPagesAndIterates() {
        needs("GET", "/personal/files", "feat-personal");
        FileItem folder = client.personal().create("list-probe.docx", Placement.path(true, "listing"));
        for (int i = 0; i < 5; i++) {
            client.personal().upload("f" + i + ".txt", new byte[] {(byte) i}, Placement.inFolder(folder.parentId()));
        }
        Models.FilePage first = client.personal()
                .list(ListOptions.builder().parentId(folder.parentId()).count(2).build());
        assertThat(first.files()).hasSize(2);
        assertThat(first.last()).isFalse();
        List<String> names = new ArrayList<>();
        client.personal()
                .listAll(ListOptions.builder()
                        .parentId(folder.parentId())
                        .count(2)
                        .orderBy("fname")
                        .order("asc")
                        .build())
                .forEach(it -> names.add(it.fname()));
        assertThat(names).containsExactly("f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt", "list-probe.docx");
    }

    @Test
    void flatAppFilesRecentAndSearch() {
        needs("GET", "/personal/files/flat", "feat-personal");
        client.personal().create("needle-doc.docx", Placement.appFolder());
        assertThat(client.personal()
                        .flat(ListOptions.builder().exts("docx").build())
                        .files())
                .isNotEmpty();
        assertThat(client.personal().appFiles(ListOptions.DEFAULTS).files()).isNotEmpty();
        assertThat(client.personal().recent(10, null).files()).isNotEmpty();
        assertThat(client.personal().searchName("needle", null, null, null).files())
                .extracting(FileItem::fname)
                .contains("needle-doc.docx");
        assertThat(client.personal()
                        .searchContent("nothing-matches-this", null, null, null)
                        .files())
                .isEmpty();
    }

    @Test
    void renameMoveCopyDeleteRecover() {
        needs("PUT", "/personal/files/:file_token/name", "feat-personal");
        FileItem a = client.personal()
                .upload("a.txt", "a".getBytes(StandardCharsets.UTF_8), Placement.path(true, "ops-src"));
        FileItem dst = client.personal().create("marker.docx", Placement.path(true, "ops-dst"));
        assertThat(client.personal().rename(id(a), "b.txt").fname()).isEqualTo("b.txt");
        assertThat(client.personal().move(List.of(id(a)), dst.parentId()).fileIds())
                .containsExactly(id(a));
        Models.TaskResult copy = client.personal().copy(List.of(id(a)), null); // into the source folder: auto-renamed
        assertThat(copy.taskId()).isEmpty();
        assertThat(copy.fileIds()).hasSize(1).doesNotContain(id(a));
        client.personal().delete(id(a));
        assertThat(client.personal().recycles(10, null))
                .extracting(FileItem::fname)
                .contains("b.txt");
        client.personal().recover(List.of(id(a)));
        assertThat(client.personal().deleteAll(copy.fileIds()).fileIds()).containsExactlyElementsOf(copy.fileIds());
    }

    @Test
    void editTokenUrls() {
        needs("GET", "/personal/files/:file_token/url/with_edit_token", "feat-personal");
        FileItem f = client.personal().upload("e.txt", "e".getBytes(StandardCharsets.UTF_8), Placement.root());
        Models.EditUrl u = client.personal().urlWithEditToken(id(f));
        assertThat(u.url()).contains("/v/" + id(f)).contains("token=");
        assertThat(u.timeoutMs()).isEqualTo(600_000);
        client.personal().share(id(f), LinkOptions.read());
        assertThat(client.personal().linkWithEditToken(id(f)).url()).contains("/l/");
    }

    @Test
    void linkMembers() {
        needs("PUT", "/personal/files/:file_token/links/members/:user_id", "feat-personal");
        assumeTrue(
                yundoc.hasRoute("GET", "/api/v1/openapi/user/basic"),
                "needs GET /user/basic (feat-oauth) to learn an open_id");
        YundocEmulator.App app = yundoc.createApp();
        try (YundocClient owner = yundoc.client(app, yundoc.createUser(app), b -> {});
                YundocClient member = yundoc.client(app, yundoc.createUser(app), b -> {})) {
            FileItem f = owner.personal().upload("m.txt", "m".getBytes(StandardCharsets.UTF_8), Placement.root());
            owner.personal().share(id(f), LinkOptions.read().withStatus("close"));
            owner.personal().setLinkMember(id(f), member.user().basic().id().openId(), "read");
            assertThat(member.personal().getLink(id(f)).sid()).isNotEmpty();
        }
    }

    @Test
    void importFromUrl() {
        needs("POST", "/personal/files/cloud", "feat-personal");
        // a private address: the SSRF guard refuses it (the extension admits 127.0.0.1 only, for WebhookReceiver)
        assertThatThrownBy(() -> client.personal().importUrl("http://10.255.255.1:1/x", "x.txt", Placement.root()))
                .isInstanceOfSatisfying(
                        YundocException.class, e -> assertThat(e.code()).isEqualTo(10001));
    }

    @Test
    void userBasicAndEditToken() {
        needs("GET", "/user/basic", "feat-oauth");
        Models.UserInfo me = client.user().basic();
        assertThat(me.id().openId()).isNotEmpty();
        assertThat(me.nickname()).startsWith("Test User");
        Models.EditToken t = client.user().editToken();
        assertThat(t.token()).startsWith("ExchangeToken-");
        assertThat(t.timeoutMs()).isEqualTo(600_000);
        assertThat(client.user().editToken(t.token()).token()).isNotEqualTo(t.token());
    }
}
