package io.yundoc.testkit;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for a yundoc that is already running in dev mode: a container (the recommended default, like
 * S3Mock's Testcontainers module), {@code bin/yundoc serve --dev}, or a server another build step started. Runs on
 * Java 17 and needs nothing but this jar, {@code yundoc-client} and Jackson. Injects fields and parameters of type
 * {@link io.yundoc.client.YundocClient} (a fresh test app and a user with every scope) and {@link YundocEmulator}
 * (the emulator controls); before each test it clears faults and puts the emulator clock back on the real time
 * (opt out with {@link YundocIsolation} or {@link Builder#resetBeforeEach(boolean)}).
 *
 * <p>With {@code @ExtendWith(YundocExtension.class)} the server is found from the system properties
 * {@code yundoc.url} and {@code yundoc.admin-token}, else the environment variables {@code YUNDOC_URL} and
 * {@code YUNDOC_ADMIN_TOKEN}; the URL defaults to {@code http://127.0.0.1:8080}. With a container:
 *
 * <pre>{@code
 * @RegisterExtension
 * static YundocExtension yundoc = YundocExtension.builder().url(container.url()).adminToken(container.adminToken()).build();
 * }</pre>
 */
public final class YundocExtension extends EmulatorExtension {
    /** The default URL: {@code bin/yundoc serve --dev} on this machine. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private final String url;
    private final String adminToken;

    /** Finds the server from system properties or the environment (see the class comment). */
    public YundocExtension() {
        this(null, null, null);
    }

    private YundocExtension(String url, String adminToken, Boolean resetBeforeEach) {
        super(resetBeforeEach);
        this.url = url;
        this.adminToken = adminToken;
    }

    /**
     * Configures where the server is and whether it is reset before each test.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    YundocEmulator open(ExtensionContext context) {
        String u = url != null ? url : setting("yundoc.url", "YUNDOC_URL", DEFAULT_URL);
        String t = adminToken != null ? adminToken : setting("yundoc.admin-token", "YUNDOC_ADMIN_TOKEN", null);
        if (t == null) {
            throw new ExtensionConfigurationException(
                    "YundocExtension needs the admin token of the yundoc at " + u
                            + ": set -Dyundoc.admin-token or YUNDOC_ADMIN_TOKEN, or use YundocExtension.builder().adminToken(...)");
        }
        try {
            return YundocEmulator.connect(u, t);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("YundocExtension: " + e.getMessage(), e);
        }
    }

    private static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    /** Builds a {@link YundocExtension} for {@code @RegisterExtension}. */
    public static final class Builder {
        private String url;
        private String adminToken;
        private Boolean resetBeforeEach;

        private Builder() {}

        /**
         * The server to talk to.
         *
         * @param url the server's base URL, e.g. a container's mapped port
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * The server's admin token.
         *
         * @param adminToken the server's admin token
         * @return this builder
         */
        public Builder adminToken(String adminToken) {
            this.adminToken = adminToken;
            return this;
        }

        /**
         * Whether each test starts from a reset server.
         *
         * @param reset false keeps faults and the clock from one test to the next (default true)
         * @return this builder
         */
        public Builder resetBeforeEach(boolean reset) {
            this.resetBeforeEach = reset;
            return this;
        }

        /**
         * The extension.
         *
         * @return a new extension
         */
        public YundocExtension build() {
            return new YundocExtension(url, adminToken, resetBeforeEach);
        }
    }
}
