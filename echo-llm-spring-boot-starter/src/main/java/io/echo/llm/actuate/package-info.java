/**
 * Keeps echo-llm's secrets out of the actuator's {@code /env} and {@code /configprops}:
 * {@link io.echo.llm.actuate.EchoLlmSanitizingFunction}, and {@link io.echo.llm.actuate.SecretPropertyNames}, the
 * rule of which properties are secret, which the start-up failure analysis shares. Only the sanitizing function needs
 * the actuator.
 */
@NullMarked
package io.echo.llm.actuate;

import org.jspecify.annotations.NullMarked;
