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
 * start and reused afterwards. Without {@code --dev} the ids, key, password and token are random (a fresh token each
 * start); with {@code --dev} they are the well-known values below, like Azurite's development account, so that tests
 * can hard-code them (each start renews the same token pair). They are public: never use {@code --dev} where it matters.
 */
public final class DemoData {
    /** The dev-mode demo app's id. */
    public static final String DEV_APP_ID = "SX20200101YUNDOC";
    /** The dev-mode demo app's key. */
    public static final String DEV_APP_KEY = "YundocDemoAppKey0123456789abcdef";
    /** The dev-mode demo user's id. */
    public static final String DEV_USER_ID = "yundoc-demo-user";
    /** The dev-mode demo user's login name (not the random demo's {@code demo}: both can live in one data dir). */
    public static final String DEV_USER_NAME = "yundoc-demo";
    /** The dev-mode demo user's password. */
    public static final String DEV_USER_PASSWORD = "yundoc-demo-password";
    /** The dev-mode demo access token: every scope, valid 24 h (emulator clock) from each start. */
    public static final String DEV_ACCESS_TOKEN = "yundocdemoaccesstokenwellknownaa";
    /** Its refresh token (single use, like every refresh token; each start renews the pair). */
    public static final String DEV_REFRESH_TOKEN = "yundocdemorefreshtokenwellknownb";

    private static final String REDIRECT_URI = "http://127.0.0.1:8765/callback";

    private DemoData() {}

    /** What the server prints for a newcomer. */
    public record Demo(
            String appId,
            String appKey,
            String userName,
            String userPassword,
            String userId,
            TokenGrant token,
            List<String> fileTokens) {}

    public static Demo ensure(
            AdminService admin, AppStore apps, UserStore users, FileService files, Settings settings, boolean dev) {
        return dev
                ? ensureWellKnown(admin, apps, users, files, settings)
                : ensureRandom(admin, apps, users, files, settings);
    }

    private static Demo ensureWellKnown(
            AdminService admin, AppStore apps, UserStore users, FileService files, Settings settings) {
        AppRecord app = apps.find(DEV_APP_ID)
                .orElseGet(() -> admin.createApp(new AdminService.NewApp(
                        "yundoc demo", "test", List.of(REDIRECT_URI), null, DEV_APP_ID, DEV_APP_KEY, null)));
        UserRecord user = users.find(DEV_USER_ID).orElse(null);
        boolean fresh = user == null;
        if (fresh) {
            user = admin.createUser(
                    new AdminService.NewUser(DEV_USER_NAME, DEV_USER_PASSWORD, "Demo User", null, DEV_USER_ID, null));
        }
        TokenGrant token = admin.issueFixedToken(app.appId(), user.userId(), DEV_ACCESS_TOKEN, DEV_REFRESH_TOKEN);
        List<String> fileTokens = files(fresh, "demo_dev_files", app, user, files, settings);
        return new Demo(app.appId(), app.appKey(), user.name(), DEV_USER_PASSWORD, user.userId(), token, fileTokens);
    }

    private static Demo ensureRandom(
            AdminService admin, AppStore apps, UserStore users, FileService files, Settings settings) {
        String appId = settings.get("demo_app_id").orElse(null);
        AppRecord app = appId == null ? null : apps.find(appId).orElse(null);
        String password = settings.get("demo_user_password").orElse(null);
        UserRecord user = settings.get("demo_user_id").flatMap(users::find).orElse(null);
        if (app == null) {
            app = admin.createApp(
                    new AdminService.NewApp("yundoc demo", "test", List.of(REDIRECT_URI), null, null, null, null));
            settings.put("demo_app_id", app.appId());
        }
        boolean fresh = user == null;
        if (fresh) {
            password = randomPassword();
            user = admin.createUser(new AdminService.NewUser("demo", password, "Demo User", null, null, null));
            settings.put("demo_user_id", user.userId());
            settings.put("demo_user_password", password);
        }
        TokenGrant token = admin.issueToken(
                app.appId(),
                user.userId(),
                EnumSet.allOf(Scope.class).stream().map(Scope::wireName).toList());
        List<String> fileTokens = files(fresh, "demo_files", app, user, files, settings);
        return new Demo(app.appId(), app.appKey(), user.name(), password, user.userId(), token, fileTokens);
    }

    /** Two files in a fresh demo user's root (their ids kept under {@code key}); the stored ids otherwise. */
    private static List<String> files(
            boolean fresh, String key, AppRecord app, UserRecord user, FileService files, Settings settings) {
        if (!fresh) {
            return settings.get(key).map(s -> List.of(s.split(","))).orElse(List.of());
        }
        Principal p = new Principal(
                null,
                app.appId(),
                app.name(),
                app.tier(),
                false,
                "{}",
                user.userId(),
                user.rootId(),
                false,
                user.nickname(),
                EnumSet.allOf(Scope.class));
        Placement root = new Placement(null, List.of(), true);
        byte[] hello = "Hello from yundoc!\n你好，云文档。\n".getBytes(StandardCharsets.UTF_8);
        FileRecord txt;
        try (BlobStore.PendingBlob blob = files.content().receive(hello)) {
            txt = files.upload(p, "hello.txt", root, blob);
        }
        FileRecord docx = files.create(p, "demo.docx", root);
        List<String> fileTokens = List.of(txt.fileId(), docx.fileId());
        settings.put(key, String.join(",", fileTokens));
        return fileTokens;
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
