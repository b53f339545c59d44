package io.echo.llm.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.echo.llm.LlmCallListener;
import io.echo.llm.LlmClients;
import io.echo.llm.LlmStreamService;
import io.echo.llm.boot.DefaultLlmClients;
import io.echo.llm.boot.LlmStreamServiceFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Primary;
import org.springframework.web.client.RestClient;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of echo-llm: the primary
 * {@link LlmStreamService} from the top-level {@code echo.llm.*} keys and {@link LlmClients} for the clients under
 * {@code echo.llm.clients.<name>}, both on Boot's {@link RestClient.Builder}. Invalid settings fail the start-up with
 * Boot's {@code InvalidConfigurationPropertyValueException}, reported by Boot's failure analysis.
 */
@AutoConfiguration(after = RestClientAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "echo.llm.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EchoLlmProperties.class)
@ImportRuntimeHints(EchoLlmRuntimeHints.class)
public final class EchoLlmAutoConfiguration {

	private final LlmStreamServiceFactory factory;

	EchoLlmAutoConfiguration(ObjectProvider<RestClient.Builder> restClientBuilder,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<LlmCallListener> listeners) {
		this.factory = new LlmStreamServiceFactory(restClientBuilder, requestFactoryBuilder, httpClientSettings,
				listeners);
	}

	@Bean
	@Primary
	@ConditionalOnMissingBean
	LlmStreamService llmStreamService(EchoLlmProperties properties) {
		return this.factory.create(LlmClientSettingsMapper.DEFAULT_CLIENT,
				new LlmClientSettingsMapper(properties).map());
	}

	@Bean
	@ConditionalOnMissingBean
	LlmClients llmClients(EchoLlmProperties properties) {
		LlmClientSettingsMapper mapper = new LlmClientSettingsMapper(properties);
		Map<String, LlmStreamService> clients = new LinkedHashMap<>();
		for (String name : properties.getClients().keySet()) {
			clients.put(name, this.factory.create(name, mapper.map(name)));
		}
		return new DefaultLlmClients(clients);
	}

}
