package io.yundoc.testkit;

import io.yundoc.client.YundocClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

/**
 * What both extensions share: one emulator per test class, a ready client, injection of fields and parameters, and
 * the reset before each test. Uses only JUnit Jupiter API that exists since 5.8.
 */
abstract class EmulatorExtension
        implements BeforeAllCallback,
                AfterAllCallback,
                BeforeEachCallback,
                ParameterResolver,
                TestInstancePostProcessor {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmulatorExtension.class);
    private final Boolean resetBeforeEach;
    private YundocEmulator emulator;
    private YundocClient client;
    private String appKey;
    private WebhookReceiver receiver;

    /** @param resetBeforeEach the builder's choice, or null: the class's {@link YundocIsolation} (default on) */
    EmulatorExtension(Boolean resetBeforeEach) {
        this.resetBeforeEach = resetBeforeEach;
    }

    /** Starts or connects to the server. */
    abstract YundocEmulator open(ExtensionContext context);

    /** Another injectable type's value (the in-process server), or null for none. */
    Object extra(Class<?> type, YundocEmulator emulator) {
        return null;
    }

    /**
     * The running emulator.
     *
     * @return the emulator between beforeAll and afterAll, else null
     */
    public YundocEmulator emulator() {
        return emulator;
    }

    /**
     * The ready client: a fresh test app and a user with every scope, including a refresh token.
     *
     * @return the client between beforeAll and afterAll, else null
     */
    public YundocClient client() {
        return client;
    }

    /**
     * A webhook receiver on loopback that checks deliveries against the ready client's app key (started on first
     * use, cleared before each test with the emulator, closed with the class).
     *
     * @return the receiver
     */
    public synchronized WebhookReceiver webhookReceiver() {
        if (receiver == null) {
            receiver = new WebhookReceiver(appKey);
        }
        return receiver;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start(context);
    }

    private synchronized void start(ExtensionContext context) {
        if (emulator != null) {
            return;
        }
        emulator = open(context);
        YundocEmulator.App app = emulator.createApp();
        appKey = app.appKey();
        client = emulator.client(app, emulator.createUser(app), b -> {});
        // closed by JUnit when the class's context ends, even if a later callback fails
        context.getStore(NS).put("resources", (ExtensionContext.Store.CloseableResource) this::stop);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private synchronized void stop() {
        if (emulator != null) {
            if (receiver != null) {
                receiver.close();
                receiver = null;
            }
            client.close();
            emulator.close();
            emulator = null;
            client = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emulator != null && resetsBeforeEach(context)) {
            emulator.reset();
            if (receiver != null) {
                receiver.clear();
            }
        }
    }

    private boolean resetsBeforeEach(ExtensionContext context) {
        if (resetBeforeEach != null) {
            return resetBeforeEach;
        }
        // the innermost class that says anything decides (a @Nested class overrides its enclosing class)
        for (Optional<Class<?>> c = context.getTestClass();
                c.isPresent();
                c = Optional.ofNullable(c.get().getEnclosingClass())) {
            YundocIsolation a = c.get().getAnnotation(YundocIsolation.class);
            if (a != null) {
                return a.resetBeforeEach();
            }
        }
        return true;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return injectable(p.getParameter().getType());
    }

    private boolean injectable(Class<?> t) {
        return t == YundocClient.class || t == YundocEmulator.class || t == WebhookReceiver.class || injectableExtra(t);
    }

    /** Whether {@link #extra} serves this type. */
    boolean injectableExtra(Class<?> type) {
        return false;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return value(p.getParameter().getType());
    }

    private Object value(Class<?> t) {
        if (emulator == null) {
            throw new ParameterResolutionException(
                    "the yundoc server is not running (use the extension at class level)");
        }
        if (t == YundocClient.class) {
            return client;
        }
        if (t == YundocEmulator.class) {
            return emulator;
        }
        if (t == WebhookReceiver.class) {
            return webhookReceiver();
        }
        return extra(t, emulator);
    }

    @Override
    public void postProcessTestInstance(Object instance, ExtensionContext context) throws IllegalAccessException {
        start(context); // with @TestInstance(PER_CLASS) the instance exists before beforeAll
        for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (injectable(f.getType())
                        && !Modifier.isStatic(f.getModifiers())
                        && !Modifier.isFinal(f.getModifiers())) {
                    f.setAccessible(true);
                    if (f.get(instance) == null) {
                        f.set(instance, value(f.getType()));
                    }
                }
            }
        }
    }
}
