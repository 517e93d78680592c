package io.yundoc.testcontainers;

import io.yundoc.client.YundocClient;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension around a {@link YundocContainer}: starts it before the class (unless it already runs, e.g. a
 * container shared by many classes), {@link YundocContainer#reset() resets} faults and the emulator clock before each
 * test (unless the class carries {@link KeepYundocState}), stops it after the class if it started it, and injects
 * {@link YundocContainer} and its ready {@link YundocClient} as test parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static YundocContainerExtension yundoc = new YundocContainerExtension(new YundocContainer().withSeed(42));
 *
 * @Test
 * void downloads(YundocClient client, YundocContainer container) { ... }
 * }</pre>
 */
public final class YundocContainerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
    private final YundocContainer container;
    private String startedIn; // the unique id of the context that started the container, which alone stops it

    /** A {@link YundocContainer} with the defaults. */
    public YundocContainerExtension() {
        this(new YundocContainer());
    }

    /** @param container the container to manage (configured, started or not) */
    public YundocContainerExtension(YundocContainer container) {
        this.container = container;
    }

    /** The container. */
    public YundocContainer container() {
        return container;
    }

    /** The container's ready client (once it runs). */
    public YundocClient client() {
        return container.client();
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (!container.isRunning()) {
            container.start();
            startedIn = context.getUniqueId();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        // @Nested classes inherit the extension and call afterAll too: only the class that started it stops it
        if (context.getUniqueId().equals(startedIn)) {
            container.stop();
            startedIn = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!keepsState(context.getTestClass())) {
            container.reset();
        }
    }

    private static boolean keepsState(Optional<Class<?>> testClass) {
        for (Class<?> c = testClass.orElse(null); c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(KeepYundocState.class)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        Class<?> t = p.getParameter().getType();
        return t == YundocContainer.class || t == YundocClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        if (!container.isRunning()) {
            throw new ParameterResolutionException(
                    "the yundoc container is not running (register the extension as a static field)");
        }
        return p.getParameter().getType() == YundocContainer.class ? container : container.client();
    }
}
