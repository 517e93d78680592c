/**
 * yundoc for Testcontainers: {@link io.yundoc.testcontainers.YundocContainer} runs the yundoc image in dev mode with
 * a well-known admin token and hands out ready clients; {@link io.yundoc.testcontainers.YundocContainerExtension}
 * resets the emulator before each test. Depends on the SDK ({@code yundoc-client}) and Testcontainers, never on the
 * server, whose jars stay in the image.
 */
package io.yundoc.testcontainers;
