package io.yundoc.server.admin;

import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.Settings;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileService;
import io.yundoc.server.files.Placement;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code serve --demo}: a demo app, a demo user with a few files, and a ready access token, created on the first
 * start and reused afterwards (a fresh token each start).
 */
public final class DemoData {
    private DemoData() {
    }

    /** What the server prints for a newcomer. */
    public record Demo(String appId, String appKey, String userName, String userPassword, String userId,
                       TokenGrant token, List<String> fileTokens) {
    }

    public static Demo ensure(AdminService admin, AppStore apps, UserStore users, FileService files, Settings settings) {
        String appId = settings.get("demo_app_id").orElse(null);
        AppRecord app = appId == null ? null : apps.find(appId).orElse(null);
        String password = settings.get("demo_user_password").orElse(null);
        UserRecord user = settings.get("demo_user_id").flatMap(users::find).orElse(null);
        if (app == null) {
            app = admin.createApp(new AdminService.NewApp("yundoc demo", "test", List.of("http://127.0.0.1:8765/callback"),
                    null, null, null, null));
            settings.put("demo_app_id", app.appId());
        }
        boolean fresh = user == null;
        if (fresh) {
            password = randomPassword();
            user = admin.createUser(new AdminService.NewUser("demo", password, "Demo User", null, null, null));
            settings.put("demo_user_id", user.userId());
            settings.put("demo_user_password", password);
        }
        TokenGrant token = admin.issueToken(app.appId(), user.userId(),
                EnumSet.allOf(Scope.class).stream().map(Scope::wireName).toList());
        List<String> fileTokens = List.of();
        if (fresh) {
            Principal p = new Principal(null, app.appId(), app.name(), app.tier(), false, "{}", user.userId(), user.rootId(),
                    false, user.nickname(), EnumSet.allOf(Scope.class));
            Placement root = new Placement(null, List.of(), true);
            byte[] hello = "Hello from yundoc!\n你好，云文档。\n".getBytes(StandardCharsets.UTF_8);
            FileRecord txt;
            try (BlobStore.PendingBlob blob = files.content().receive(hello)) {
                txt = files.upload(p, "hello.txt", root, blob);
            }
            FileRecord docx = files.create(p, "demo.docx", root);
            fileTokens = List.of(txt.fileId(), docx.fileId());
            settings.put("demo_files", String.join(",", fileTokens));
        } else {
            fileTokens = settings.get("demo_files").map(s -> List.of(s.split(","))).orElse(List.of());
        }
        return new Demo(app.appId(), app.appKey(), user.name(), password, user.userId(), token, fileTokens);
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
