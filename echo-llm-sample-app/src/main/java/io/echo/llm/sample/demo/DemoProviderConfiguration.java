package io.echo.llm.sample.demo;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Beans of the embedded demo provider. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DemoProperties.class)
class DemoProviderConfiguration {

	@Bean
	DemoCancellations demoCancellations() {
		return new DemoCancellations();
	}

	// The echo-llm starter builds its clients on Boot's RestClient.Builder, so this reaches them.
	@Bean
	RestClientCustomizer demoBaseUrlCustomizer(Environment environment) {
		return (builder) -> builder.requestInterceptor(new DemoBaseUrlInterceptor(environment));
	}

}
