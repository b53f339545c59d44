package io.echo.llm.boot;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Which HTTP client LLM calls get, from Boot's choice (with httpclient5 on this module's test class path). */
class LlmStreamServiceFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class));

	@Test
	void apacheHttpClientWhenBootPicksItFromTheClassPath() {
		this.runner.run((context) -> assertThat(requestFactory(context))
			.isInstanceOf(HttpComponentsClientHttpRequestFactory.class));
	}

	@Test
	void theJdkClientWhenBootIsToldToUseIt() {
		this.runner.withPropertyValues("spring.http.clients.imperative.factory=jdk")
			.run((context) -> assertThat(requestFactory(context)).isInstanceOf(JdkClientHttpRequestFactory.class));
	}

	@Test
	void apacheHttpClientRatherThanAClientWhoseStreamsCannotBeAbortedAtOnce() {
		this.runner.withPropertyValues("spring.http.clients.imperative.factory=simple")
			.run((context) -> assertThat(requestFactory(context))
				.isInstanceOf(HttpComponentsClientHttpRequestFactory.class));
	}

	@Test
	void bootsApacheBuilderIsKeptWithItsCustomizers() {
		this.runner.withUserConfiguration(CustomizedApache.class).run((context) -> {
			assertThat(requestFactory(context)).isInstanceOf(HttpComponentsClientHttpRequestFactory.class);
			assertThat(context.getBean(CustomizedApache.class).customized).isTrue();
		});
	}

	private static ClientHttpRequestFactory requestFactory(ApplicationContext context) {
		ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builders = context
			.getBeanProvider(ResolvableType.forClass(ClientHttpRequestFactoryBuilder.class));
		LlmStreamServiceFactory factory = new LlmStreamServiceFactory(context.getBeanProvider(RestClient.Builder.class),
				builders, context.getBeanProvider(HttpClientSettings.class), context.getBeanProvider(
						io.echo.llm.LlmCallListener.class));
		return factory.requestFactoryBuilder().build(HttpClientSettings.defaults());
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizedApache {

		final AtomicBoolean customized = new AtomicBoolean();

		@Bean
		ClientHttpRequestFactoryBuilder<?> clientHttpRequestFactoryBuilder() {
			return ClientHttpRequestFactoryBuilder.httpComponents()
				.withHttpClientCustomizer((client) -> this.customized.set(true));
		}

	}

}
