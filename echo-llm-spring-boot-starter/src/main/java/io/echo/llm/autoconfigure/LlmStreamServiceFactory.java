package io.echo.llm.autoconfigure;

import java.time.Duration;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmStreamService;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.web.client.RestClient;

/**
 * Builds an {@link LlmStreamService} per client on Boot's {@link RestClient.Builder}, so that Boot's HTTP client
 * settings (SSL bundle, redirects), {@code RestClientCustomizer}s and observations apply to LLM calls too.
 */
final class LlmStreamServiceFactory {

	private final ObjectProvider<RestClient.Builder> restClientBuilder;

	private final ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder;

	private final ObjectProvider<HttpClientSettings> httpClientSettings;

	private final ObjectProvider<LlmCallListener> listeners;

	LlmStreamServiceFactory(ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<LlmCallListener> listeners) {
		this.restClientBuilder = restClientBuilder;
		this.requestFactoryBuilder = requestFactoryBuilder;
		this.httpClientSettings = httpClientSettings;
		this.listeners = listeners;
	}

	LlmStreamService create(String clientName, LlmClientSettings settings) {
		return LlmStreamService.builder()
			.settings(settings)
			.restClient(restClient(settings))
			.clientName(clientName)
			.listener(CompositeLlmCallListener.of(this.listeners.orderedStream().toList()))
			.build();
	}

	private RestClient.Builder restClient(LlmClientSettings settings) {
		// Cloned: a user's RestClient.Builder bean may be a singleton that others share.
		RestClient.Builder builder = this.restClientBuilder.getIfAvailable(RestClient::builder).clone();
		return builder.requestFactory(jdkRequestFactoryBuilder().build(httpClientSettings(settings)));
	}

	// Always the JDK HttpClient: cancel() relies on closing its body stream aborting the exchange at once. Boot's
	// builder is kept when it is a JDK one, as it carries the virtual-thread executor when those are enabled.
	private JdkClientHttpRequestFactoryBuilder jdkRequestFactoryBuilder() {
		return (this.requestFactoryBuilder.getIfAvailable() instanceof JdkClientHttpRequestFactoryBuilder jdk) ? jdk
				: ClientHttpRequestFactoryBuilder.jdk();
	}

	// No read timeout: on the JDK client Spring applies it to the whole response, which would cut long streams;
	// echo.llm.timeouts.first-chunk, idle and overall govern instead.
	HttpClientSettings httpClientSettings(LlmClientSettings settings) {
		return this.httpClientSettings.getIfAvailable(HttpClientSettings::defaults)
			.withTimeouts(enabled(settings.connectTimeout()), null);
	}

	private static @Nullable Duration enabled(Duration timeout) {
		return (timeout.isZero() || timeout.isNegative()) ? null : timeout;
	}

}
