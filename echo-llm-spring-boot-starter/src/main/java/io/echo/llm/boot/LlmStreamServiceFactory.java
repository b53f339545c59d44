package io.echo.llm.boot;

import java.time.Duration;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClientSettings;
import io.echo.llm.LlmStreamService;
import io.echo.llm.http.ApacheHttpClients;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;

/**
 * Builds an {@link LlmStreamService} per client on Boot's {@link RestClient.Builder}, so that Boot's HTTP client
 * settings (SSL bundle, redirects), {@code RestClientCustomizer}s and observations apply to LLM calls too.
 * <p>
 * Public for the auto-configuration in {@code io.echo.llm.autoconfigure}; not API, it may change in any release.
 */
public final class LlmStreamServiceFactory {

	private static final boolean APACHE_PRESENT = ClassUtils.isPresent(
			"org.apache.hc.client5.http.impl.classic.HttpClientBuilder", LlmStreamServiceFactory.class.getClassLoader());

	private final ObjectProvider<RestClient.Builder> restClientBuilder;

	private final ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder;

	private final ObjectProvider<HttpClientSettings> httpClientSettings;

	private final ObjectProvider<LlmCallListener> listeners;

	public LlmStreamServiceFactory(ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<LlmCallListener> listeners) {
		this.restClientBuilder = restClientBuilder;
		this.requestFactoryBuilder = requestFactoryBuilder;
		this.httpClientSettings = httpClientSettings;
		this.listeners = listeners;
	}

	public LlmStreamService create(String clientName, LlmClientSettings settings) {
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
		return builder.requestFactory(requestFactoryBuilder().build(httpClientSettings(settings)));
	}

	/**
	 * Boot's choice of HTTP client where echo-llm can abort it at once (cancel, timeouts): Apache HttpClient 5 when
	 * it is on the class path, set up by {@link ApacheHttpClients}, unless Boot was told to use the JDK client
	 * ({@code spring.http.clients.imperative.factory=jdk}); else the JDK client. Boot's JDK builder is kept as it
	 * carries the virtual-thread executor when those are enabled. Any other client Boot may pick (Jetty, Reactor,
	 * {@code HttpURLConnection}) gives way: closing their body streams reads the rest of the body first.
	 */
	public ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder() {
		ClientHttpRequestFactoryBuilder<?> boot = this.requestFactoryBuilder.getIfAvailable();
		if (boot instanceof JdkClientHttpRequestFactoryBuilder jdk) {
			return jdk;
		}
		if (APACHE_PRESENT) {
			return Apache.builder(boot);
		}
		return ClientHttpRequestFactoryBuilder.jdk();
	}

	// No read timeout: on the JDK client Spring applies it to the whole response, which would cut long streams, and
	// on Apache's to every read, which would cut quiet ones; echo.llm.timeouts.first-chunk, idle and overall govern.
	public HttpClientSettings httpClientSettings(LlmClientSettings settings) {
		return this.httpClientSettings.getIfAvailable(HttpClientSettings::defaults)
			.withTimeouts(enabled(settings.connectTimeout()), null);
	}

	private static @Nullable Duration enabled(Duration timeout) {
		return (timeout.isZero() || timeout.isNegative()) ? null : timeout;
	}

	/** Kept apart so that nothing loads Apache's classes when they are absent. */
	private static final class Apache {

		static ClientHttpRequestFactoryBuilder<?> builder(@Nullable ClientHttpRequestFactoryBuilder<?> boot) {
			HttpComponentsClientHttpRequestFactoryBuilder builder = (boot instanceof
					HttpComponentsClientHttpRequestFactoryBuilder apache) ? apache
							: ClientHttpRequestFactoryBuilder.httpComponents();
			return builder.withHttpClientCustomizer(ApacheHttpClients::configureClient)
				.withConnectionManagerCustomizer(ApacheHttpClients::configureConnectionManager)
				.withSocketConfigCustomizer(ApacheHttpClients::configureSocket)
				.withConnectionConfigCustomizer(ApacheHttpClients::configureConnection);
		}

	}

}
