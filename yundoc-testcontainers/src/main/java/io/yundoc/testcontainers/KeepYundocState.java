package io.yundoc.testcontainers;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a test class (or an enclosing one, for {@code @Nested} classes): {@link YundocContainerExtension} does not
 * {@link YundocContainer#reset()} the emulator before each test, so faults and clock moves carry over from one test
 * to the next (for tests that build on each other in a fixed order).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KeepYundocState {}
