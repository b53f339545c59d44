package io.echo.llm.autoconfigure;

import io.echo.llm.actuate.EchoLlmSanitizingFunction;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that keeps echo-llm's API
 * keys and header values masked in the actuator's {@code /configprops} and {@code /env} even with
 * {@code show-values=always} (Boot masks every value by default, but with {@code always} only what a
 * {@link SanitizingFunction} masks), also where a configured key shows inside another value
 * ({@code sun.java.command} after {@code --echo.llm.api-key=...}). Deliberately not switched off by
 * {@code echo.llm.enabled=false}: a disabled client's key is still in the environment.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class EchoLlmActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "echoLlmSanitizingFunction")
	SanitizingFunction echoLlmSanitizingFunction(Environment environment) {
		return new EchoLlmSanitizingFunction(
				(environment instanceof ConfigurableEnvironment configurable) ? configurable : null);
	}

}
