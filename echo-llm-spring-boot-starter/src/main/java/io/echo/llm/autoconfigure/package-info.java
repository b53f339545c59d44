/**
 * Auto-configuration of echo-llm, and only that: the {@code @AutoConfiguration} classes (service and named clients,
 * web relay and its store, observations, actuator), {@link io.echo.llm.autoconfigure.EchoLlmProperties} (every
 * {@code echo.llm.*} key; its base {@link io.echo.llm.autoconfigure.LlmClientProperties} holds the keys the top
 * level and each named client share), the mapper from the properties to core's
 * {@link io.echo.llm.LlmClientSettings}, the failure analysis that masks secrets in a bad value, and the AOT hints.
 * What they build lives in {@code io.echo.llm.boot}, {@code io.echo.llm.observation}, {@code io.echo.llm.actuate}
 * and {@code io.echo.llm.web}.
 */
@NullMarked
package io.echo.llm.autoconfigure;

import org.jspecify.annotations.NullMarked;
