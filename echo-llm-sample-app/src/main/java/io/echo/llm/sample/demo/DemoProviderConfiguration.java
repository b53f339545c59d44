package io.echo.llm.sample.demo;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/** Beans of the embedded demo provider. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoProperties.class)
class DemoProviderConfiguration {

	@Bean
	DemoCancellations demoCancellations() {
		return new DemoCancellations();
	}

	// The echo-llm starter builds its clients on Boot's RestClient.Builder, so this reaches them. Only while the demo
	// is the provider: an interceptor makes every call buffer its body and run the chain, which a real one need not.
	@Bean
	RestClientCustomizer demoBaseUrlCustomizer(ConfigurableEnvironment environment) {
		if (!environment.getPropertySources().contains(DemoProviderEnvironmentPostProcessor.PROPERTY_SOURCE)) {
			return (builder) -> {
			};
		}
		return (builder) -> builder.requestInterceptor(new DemoBaseUrlInterceptor(environment));
	}

}
