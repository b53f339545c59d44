package io.echo.llm.autoconfigure;

import io.echo.llm.observation.ObservationLlmCallListener;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of the
 * {@link ObservationLlmCallListener} when the application has Micrometer and an {@link ObservationRegistry}. The
 * services of {@link EchoLlmAutoConfiguration} pick it up with every other {@code LlmCallListener} bean.
 */
@AutoConfiguration(before = EchoLlmAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "echo.llm.enabled", matchIfMissing = true)
@ConditionalOnClass({ ObservationRegistry.class, MeterRegistry.class })
@ConditionalOnBean(ObservationRegistry.class)
public final class EchoLlmObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ObservationLlmCallListener observationLlmCallListener(ObservationRegistry observationRegistry,
			ObjectProvider<MeterRegistry> meterRegistry) {
		return new ObservationLlmCallListener(observationRegistry, meterRegistry.getIfUnique());
	}

}
