package io.yundoc.server.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The users table and per-app open ids. */
public final class UserStore {
    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Handle h, UserRecord u, String passwordHash, long now) {
        h.createUpdate("""
                        INSERT INTO users (user_id, union_id, name, password_hash, nickname, avatar, disabled, root_id, created_at)
                        VALUES (:id, :union, :name, :pw, :nick, :avatar, 0, :root, :now)""")
                .bind("id", u.userId())
                .bind("union", u.unionId())
                .bind("name", u.name())
                .bind("pw", passwordHash)
                .bind("nick", u.nickname())
                .bind("avatar", u.avatar())
                .bind("root", u.rootId())
                .bind("now", now)
                .execute();
    }

    public Optional<UserRecord> find(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE user_id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    public Optional<UserRecord> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE name = :n")
                .bind("n", name)
                .map((rs, ctx) -> map(rs))
                .findOne());
    }

    public Optional<String> passwordHash(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE user_id = :id")
                .bind("id", userId)
                .mapTo(String.class)
                .findOne());
    }

    public List<UserRecord> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY created_at, user_id")
                .map((rs, ctx) -> map(rs))
                .list());
    }

    public void setDisabled(String userId, boolean disabled) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET disabled = :d WHERE user_id = :id")
                .bind("d", disabled ? 1 : 0)
                .bind("id", userId)
                .execute());
    }

    /** The user's open id as the given app sees it; created on first use. */
    public String openId(String appId, String userId, Supplier<String> newId) {
        return jdbi.inTransaction(h -> {
            Optional<String> existing = h.createQuery(
                            "SELECT open_id FROM user_open_ids WHERE app_id = :a AND user_id = :u")
                    .bind("a", appId)
                    .bind("u", userId)
                    .mapTo(String.class)
                    .findOne();
            if (existing.isPresent()) {
                return existing.get();
            }
            String id = newId.get();
            h.createUpdate("INSERT INTO user_open_ids (app_id, user_id, open_id) VALUES (:a, :u, :o)")
                    .bind("a", appId)
                    .bind("u", userId)
                    .bind("o", id)
                    .execute();
            return id;
        });
    }

    /** Resolves a user id as an app may send it: that app's open id for the user, or the union id. */
    public Optional<UserRecord> findByAppVisibleId(String appId, String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.* FROM users u WHERE u.union_id = :id
                        UNION SELECT u.* FROM users u JOIN user_open_ids o ON o.user_id = u.user_id
                        WHERE o.app_id = :a AND o.open_id = :id""")
                .bind("id", id)
                .bind("a", appId)
                .map((rs, ctx) -> map(rs))
                .findFirst());
    }

    static UserRecord map(ResultSet rs) throws SQLException {
        return new UserRecord(
                rs.getString("user_id"),
                rs.getString("union_id"),
                rs.getString("name"),
                rs.getString("nickname"),
                rs.getString("avatar"),
                rs.getInt("disabled") != 0,
                rs.getString("root_id"));
    }

    /** Records the open_id the user has towards an app (fixtures pin them). */
    public static void insertOpenId(Handle h, String appId, String userId, String openId) {
        h.createUpdate("INSERT INTO user_open_ids (app_id, user_id, open_id) VALUES (:a, :u, :o)")
                .bind("a", appId)
                .bind("u", userId)
                .bind("o", openId)
                .execute();
    }

    public static Optional<String> rootId(Handle h, String userId) {
        return h.createQuery("SELECT root_id FROM users WHERE user_id = :u")
                .bind("u", userId)
                .mapTo(String.class)
                .findOne();
    }

    /** Whether a user has this id, or (when {@code name} is not null) this login name. */
    public static boolean exists(Handle h, String userId, String name) {
        // no sentinel value for a missing name: PostgreSQL text cannot hold the NUL character
        if (name == null) {
            return h.createQuery("SELECT COUNT(*) FROM users WHERE user_id = :u")
                            .bind("u", userId)
                            .mapTo(Integer.class)
                            .one()
                    > 0;
        }
        return h.createQuery("SELECT COUNT(*) FROM users WHERE user_id = :u OR name = :n")
                        .bind("u", userId)
                        .bind("n", name)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }
}
