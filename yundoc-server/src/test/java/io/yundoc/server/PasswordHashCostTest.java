package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.auth.PasswordHasher;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerConfig.Builder#passwordHashCost}: the stored bcrypt hash carries the configured cost (the default 10;
 * a warm-up's throw-away server uses 4), and only bcrypt's own range is accepted.
 */
class PasswordHashCostTest {

    @Test
    void storedPasswordsAreHashedAtTheConfiguredCost() throws Exception {
        assertThat(storedHash(b -> {})).startsWith("$2a$10$");
        String cheap = storedHash(b -> b.passwordHashCost(4));
        assertThat(cheap).startsWith("$2a$04$");
        assertThat(new PasswordHasher(4).matches("password-123", cheap)).isTrue();
        assertThat(new PasswordHasher(4).matches("password-124", cheap)).isFalse();
    }

    @Test
    void refusesACostOutsideBcryptsRange() {
        for (int cost : new int[] {3, 32, -1}) {
            assertThatThrownBy(
                            () -> ServerConfig.builder().passwordHashCost(cost).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("password hash cost");
        }
        assertThat(ServerConfig.builder().build().passwordHashCost())
                .isEqualTo(ServerConfig.DEFAULT_PASSWORD_HASH_COST)
                .isEqualTo(10);
    }

    /** The hash a server built with {@code customize} stored for a user created through the admin API. */
    private static String storedHash(Consumer<ServerConfig.Builder> customize) throws Exception {
        try (TestServer ts = new TestServer(customize)) {
            TestServer.User u = ts.user(ts.app("formal"));
            return ts.passwordHash(u);
        }
    }
}
