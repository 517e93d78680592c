package io.yundoc.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Per-class isolation settings of {@link YundocExtension} and {@link YundocServerExtension}. By default both reset
 * the emulator before each test (faults cleared, clock back on the real time), as WireMock resets its stubs; a class
 * whose tests build on each other's faults or clock opts out:
 *
 * <pre>{@code
 * @ExtendWith(YundocExtension.class)
 * @YundocIsolation(resetBeforeEach = false)
 * class ClockStepsTest { ... }
 * }</pre>
 *
 * On a {@code @Nested} class it overrides the enclosing class's setting.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface YundocIsolation {
    /**
     * Whether faults and the emulator clock are reset before each test.
     *
     * @return true by default
     */
    boolean resetBeforeEach() default true;
}
