package io.yundoc.server.admin;

import io.yundoc.protocol.ErrorCode;
import io.yundoc.protocol.Ids;
import io.yundoc.protocol.Scope;
import io.yundoc.protocol.wire.TokenGrant;
import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.GrantStore;
import io.yundoc.server.auth.PasswordHasher;
import io.yundoc.server.auth.TokenService;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.DisplayText;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.files.FileStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** The operator's rules: registering apps and users, issuing tokens (the emulator shortcut). */
public final class AdminService {
    public static final String ROOT_NAME = "我的文档";
    private final Jdbi jdbi;
    private final AppStore apps;
    private final UserStore users;
    private final TokenService tokens;
    private final PasswordHasher hasher;
    private final ServerClock clock;
    private final IdGenerator ids;

    public AdminService(
            Jdbi jdbi,
            AppStore apps,
            UserStore users,
            TokenService tokens,
            PasswordHasher hasher,
            ServerClock clock,
            IdGenerator ids) {
        this.jdbi = jdbi;
        this.apps = apps;
        this.users = users;
        this.tokens = tokens;
        this.hasher = hasher;
        this.clock = clock;
        this.ids = ids;
    }

    public List<AppRecord> apps() {
        return apps.all();
    }

    /** An app by id; unknown → 10201 (api.md §2). */
    public AppRecord app(String appId) {
        return apps.find(appId).orElseThrow(() -> new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found"));
    }

    public AppRecord setAppDisabled(String appId, boolean disabled) {
        AppRecord a = app(appId);
        AppRecord updated = new AppRecord(
                a.appId(),
                a.appKey(),
                a.oldAppKey(),
                a.oldKeyValidUntil(),
                a.name(),
                a.tier(),
                a.redirectUris(),
                a.scopes(),
                disabled,
                a.autoConsentUser(),
                a.quotaOverrides(),
                a.createdAt());
        apps.update(updated);
        return updated;
    }

    /** Stores a whole app row (the key rotation's new and old keys). */
    public void updateApp(AppRecord a) {
        apps.update(a);
    }

    /** Replaces the app's quota overrides if they still are {@code expected}; false when they changed meanwhile. */
    public boolean compareAndSetQuotaOverrides(String appId, String expected, String replacement) {
        return apps.compareAndSetQuotaOverrides(appId, expected, replacement);
    }

    public List<UserRecord> users() {
        return users.all();
    }

    /** Disables or enables a user; unknown → 10001. Returns the user as it now is. */
    public UserRecord setUserDisabled(String userId, boolean disabled) {
        UserRecord u = users.find(userId).orElseThrow(() -> ApiException.invalid("user_id not found"));
        users.setDisabled(userId, disabled);
        return new UserRecord(u.userId(), u.unionId(), u.name(), u.nickname(), u.avatar(), disabled, u.rootId());
    }

    public record NewApp(
            String name,
            String tier,
            List<String> redirectUris,
            List<String> scopes,
            String appId,
            String appKey,
            String autoConsentUser) {}

    public AppRecord createApp(NewApp in) {
        String name =
                DisplayText.require("name", in.name() == null ? "" : in.name()).strip();
        if (name.isEmpty() || name.length() > 100) {
            throw ApiException.invalid("name must be 1 to 100 characters");
        }
        String tier = in.tier() == null ? "test" : in.tier();
        if (!tier.equals("test") && !tier.equals("formal")) {
            throw ApiException.invalid("tier must be test or formal");
        }
        List<String> uris = in.redirectUris() == null ? List.of() : in.redirectUris();
        for (String u : uris) {
            validateRedirectUri(u);
        }
        List<String> scopes = scopes(in.scopes(), EnumSet.allOf(Scope.class));
        String appId = in.appId();
        if (appId != null) {
            if (!Ids.accepted(appId)) {
                throw ApiException.invalid("app_id must match [A-Za-z0-9_-]{1,64}");
            }
            if (apps.find(appId).isPresent()) {
                throw ApiException.invalid("app_id already exists");
            }
        } else {
            do {
                appId = ids.ids().appId(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
            } while (apps.find(appId).isPresent());
        }
        String key = in.appKey();
        if (key != null) {
            if (key.length() < 16 || key.length() > 128 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw ApiException.invalid("app_key must be 16 to 128 printable ASCII characters");
            }
        } else {
            key = ids.ids().appKey();
        }
        if (in.autoConsentUser() != null && users.find(in.autoConsentUser()).isEmpty()) {
            throw ApiException.invalid("auto_consent_user is not a known user");
        }
        AppRecord a = new AppRecord(
                appId,
                key,
                null,
                null,
                name,
                tier,
                List.copyOf(uris),
                scopes,
                false,
                in.autoConsentUser(),
                "{}",
                clock.epochSeconds());
        apps.insert(a);
        return a;
    }

    /**
     * Validates and stores a PATCH of an app's descriptive fields (null = unchanged) with the same rules as
     * {@link #createApp}; returns the updated app.
     */
    public AppRecord patchApp(
            AppRecord a,
            String name,
            String tier,
            List<String> redirectUris,
            List<String> scopes,
            boolean setAutoConsent,
            String autoConsentUser) {
        String n = a.name();
        if (name != null) {
            n = DisplayText.require("name", name).strip();
            if (n.isEmpty() || n.length() > 100) {
                throw ApiException.invalid("name must be 1 to 100 characters");
            }
        }
        String t = a.tier();
        if (tier != null) {
            if (!tier.equals("test") && !tier.equals("formal")) {
                throw ApiException.invalid("tier must be test or formal");
            }
            t = tier;
        }
        List<String> uris = a.redirectUris();
        if (redirectUris != null) {
            for (String u : redirectUris) {
                validateRedirectUri(u);
            }
            uris = List.copyOf(redirectUris);
        }
        List<String> sc = scopes == null ? a.scopes() : scopes(scopes, EnumSet.allOf(Scope.class));
        String auto = a.autoConsentUser();
        if (setAutoConsent) {
            if (autoConsentUser != null && users.find(autoConsentUser).isEmpty()) {
                throw ApiException.invalid("auto_consent_user is not a known user");
            }
            auto = autoConsentUser;
        }
        AppRecord updated = new AppRecord(
                a.appId(),
                a.appKey(),
                a.oldAppKey(),
                a.oldKeyValidUntil(),
                n,
                t,
                uris,
                sc,
                a.disabled(),
                auto,
                a.quotaOverrides(),
                a.createdAt());
        apps.updateProfile(updated);
        return apps.find(a.appId()).orElse(updated);
    }

    /** Whether the app may use the anonymous-preview task routes (api-families.md §F4). */
    public boolean anonymousPreview(String appId) {
        return apps.anonymousPreview(appId);
    }

    public void setAnonymousPreview(String appId, boolean on) {
        apps.setAnonymousPreview(appId, on);
    }

    static void validateRedirectUri(String u) {
        try {
            URI uri = new URI(u);
            if (!uri.isAbsolute()
                    || uri.getHost() == null
                    || uri.getFragment() != null
                    || !(uri.getScheme().equalsIgnoreCase("http")
                            || uri.getScheme().equalsIgnoreCase("https"))) {
                throw ApiException.invalid("redirect_uris must be absolute http(s) URLs without fragment: " + u);
            }
        } catch (URISyntaxException | NullPointerException e) {
            throw ApiException.invalid("redirect_uris must be absolute http(s) URLs: " + u);
        }
    }

    static List<String> scopes(List<String> requested, Set<Scope> allowed) {
        if (requested == null) {
            return allowed.stream().map(Scope::wireName).toList();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String s : requested) {
            Scope scope = Scope.parse(s).orElseThrow(() -> ApiException.invalid("unknown scope " + s));
            if (!allowed.contains(scope)) {
                throw ApiException.invalid("scope " + s + " not allowed for this app");
            }
            out.add(scope.wireName());
        }
        return new ArrayList<>(out);
    }

    public record NewUser(
            String name, String password, String nickname, String avatar, String userId, String unionId) {}

    public UserRecord createUser(NewUser in) {
        String name =
                DisplayText.require("name", in.name() == null ? "" : in.name()).strip();
        if (name.isEmpty() || name.length() > 64) {
            throw ApiException.invalid("name must be 1 to 64 characters");
        }
        if (in.password() == null || in.password().length() < 8 || in.password().length() > 256) {
            throw ApiException.invalid("password must be 8 to 256 characters");
        }
        String userId = in.userId() != null ? in.userId() : ids.ids().token256();
        if (!Ids.accepted(userId)) {
            throw ApiException.invalid("user_id must match [A-Za-z0-9_-]{1,64}");
        }
        if (users.find(userId).isPresent() || users.findByName(name).isPresent()) {
            throw ApiException.invalid("user already exists");
        }
        String nickname = in.nickname() == null || in.nickname().isBlank()
                ? name
                : DisplayText.require("nickname", in.nickname());
        String unionId = in.unionId() != null ? in.unionId() : ids.ids().token256();
        String hash = hasher.hash(in.password());
        long now = clock.epochSeconds();
        UserRecord u = new UserRecord(userId, unionId, name, nickname, in.avatar(), false, ids.fileToken());
        jdbi.useTransaction(h -> {
            users.insert(h, u, hash, now);
            FileStore.insert(
                    h,
                    FileRecord.created(
                            u.rootId(),
                            FileRecord.PERSONAL,
                            userId,
                            null,
                            ROOT_NAME,
                            "root",
                            0,
                            null,
                            null,
                            null,
                            null,
                            now));
        });
        return u;
    }

    public TokenGrant issueToken(String appId, String userId, List<String> scopeNames) {
        AppRecord app =
                apps.find(appId).orElseThrow(() -> new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found"));
        if (users.find(userId).isEmpty()) {
            throw ApiException.invalid("user_id not found");
        }
        if (scopeNames == null || scopeNames.isEmpty()) {
            throw ApiException.invalid("scopes is required");
        }
        Set<Scope> allowed = EnumSet.noneOf(Scope.class);
        app.scopes().forEach(s -> Scope.parse(s).ifPresent(allowed::add));
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        scopes(scopeNames, allowed).forEach(s -> granted.add(Scope.parse(s).orElseThrow()));
        String grantId = grant(appId, userId, granted);
        return tokens.issue(appId, userId, granted, grantId, null, null, null, null);
    }

    /** Grants every scope of the app to the user and issues the given fixed token pair (dev-mode demo data). */
    public TokenGrant issueFixedToken(String appId, String userId, String accessToken, String refreshToken) {
        AppRecord app =
                apps.find(appId).orElseThrow(() -> new ApiException(ErrorCode.APP_NOT_EXIST, "app_id not found"));
        if (users.find(userId).isEmpty()) {
            throw ApiException.invalid("user_id not found");
        }
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        app.scopes().forEach(s -> Scope.parse(s).ifPresent(granted::add));
        return tokens.replaceFixed(appId, userId, granted, grant(appId, userId, granted), accessToken, refreshToken);
    }

    /** Records (or widens) the user's grant to the app and returns its id. */
    public String grant(String appId, String userId, Set<Scope> scopes) {
        long now = clock.epochSeconds();
        return jdbi.inTransaction(h -> {
            var existing = GrantStore.of(h, appId, userId);
            if (existing.isPresent()) {
                Set<Scope> all = EnumSet.noneOf(Scope.class);
                all.addAll(existing.get().scopes());
                all.addAll(scopes);
                GrantStore.setScopes(h, existing.get().grantId(), all);
                return existing.get().grantId();
            }
            String id = ids.internal();
            GrantStore.insert(h, id, appId, userId, scopes, now);
            return id;
        });
    }
}
