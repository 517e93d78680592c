package io.yundoc.testkit;

import io.yundoc.client.YundocClient;
import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * JUnit 5 extension: before the test class, an in-process yundoc in dev mode on a free port with a fresh data dir;
 * after it, the server stops and the data dir is deleted. Test parameters and fields of type {@link YundocClient}
 * (a client for a fresh test app and a user holding every scope, with a refresh token), {@link YundocEmulator} (the
 * emulator controls) and {@link YundocServer} are injected.
 *
 * <pre>{@code
 * @ExtendWith(YundocServerExtension.class)
 * class MyTest {
 *     @Test
 *     void uploads(YundocClient client, YundocEmulator yundoc) { ... }
 * }
 * }</pre>
 *
 * or, to configure the server: {@code @RegisterExtension static YundocServerExtension yundoc =
 * YundocServerExtension.builder().seed(42).build();}
 */
public final class YundocServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver,
        TestInstancePostProcessor {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(YundocServerExtension.class);
    private final Consumer<ServerConfig.Builder> customize;
    private YundocEmulator emulator;
    private YundocClient client;

    /** The default: dev mode, free port, fresh data dir. */
    public YundocServerExtension() {
        this(b -> { });
    }

    private YundocServerExtension(Consumer<ServerConfig.Builder> customize) {
        this.customize = customize;
    }

    /** Configures the server the extension starts. */
    public static Builder builder() {
        return new Builder();
    }

    /** The running emulator (between beforeAll and afterAll). */
    public YundocEmulator emulator() {
        return emulator;
    }

    /** The ready client (between beforeAll and afterAll). */
    public YundocClient client() {
        return client;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    private synchronized void start(ExtensionContext context) {
        if (emulator != null) {
            return;
        }
        Path data;
        try {
            data = Files.createTempDirectory("yundoc-testkit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServerConfig.Builder b = ServerConfig.builder().port(0).bind("127.0.0.1").dataDir(data).dev(true)
                .adminToken("testkit-" + Long.toHexString(System.nanoTime()));
        customize.accept(b);
        emulator = new YundocEmulator(YundocServer.start(b.build()), data);
        client = emulator.newClient();
        // closed by JUnit when the class's context ends, even if a later callback fails
        context.getStore(NS).put("resources", (ExtensionContext.Store.CloseableResource) this::stop);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private synchronized void stop() {
        if (emulator != null) {
            client.close();
            emulator.close();
            emulator = null;
            client = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        Class<?> t = p.getParameter().getType();
        return t == YundocClient.class || t == YundocEmulator.class || t == YundocServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return value(p.getParameter().getType());
    }

    private Object value(Class<?> t) {
        if (emulator == null) {
            throw new ParameterResolutionException("the yundoc server is not running (use the extension at class level)");
        }
        if (t == YundocClient.class) {
            return client;
        }
        if (t == YundocEmulator.class) {
            return emulator;
        }
        return emulator.server();
    }

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) throws IllegalAccessException {
        start(context); // with @TestInstance(PER_CLASS) the instance exists before beforeAll
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Class<?> t = f.getType();
                if ((t == YundocClient.class || t == YundocEmulator.class || t == YundocServer.class)
                        && !Modifier.isStatic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers())) {
                    f.setAccessible(true);
                    if (f.get(instance) == null) {
                        f.set(instance, value(t));
                    }
                }
            }
        }
    }

    /** Builds a {@link YundocServerExtension} with server settings; dev mode stays on. */
    public static final class Builder {
        private Consumer<ServerConfig.Builder> customize = b -> { };

        private Builder() {
        }

        /** @param seed deterministic ids ({@code --seed}) */
        public Builder seed(long seed) {
            return configure(b -> b.seed(seed));
        }

        /** @param fixtures a fixture file loaded at start ({@code --fixtures}) */
        public Builder fixtures(Path fixtures) {
            return configure(b -> b.fixtures(fixtures));
        }

        /** @param publicUrl the public base URL ({@code --public-url}) */
        public Builder publicUrl(String publicUrl) {
            return configure(b -> b.publicUrl(publicUrl));
        }

        /** @param more any other server setting */
        public Builder configure(Consumer<ServerConfig.Builder> more) {
            customize = customize.andThen(more);
            return this;
        }

        /** The extension. */
        public YundocServerExtension build() {
            return new YundocServerExtension(customize.andThen(b -> b.dev(true)));
        }
    }
}
