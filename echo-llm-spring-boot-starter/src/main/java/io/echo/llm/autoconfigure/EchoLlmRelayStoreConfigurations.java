package io.echo.llm.autoconfigure;

import io.echo.llm.web.resume.InMemoryLlmStreamStore;
import io.echo.llm.web.resume.LlmStreamStore;
import io.echo.llm.web.resume.redis.RedisLlmStreamStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The {@link LlmStreamStore} of a resumable relay, chosen by {@code echo.llm.relay.store}; none when the relay is not
 * resumable.
 */
final class EchoLlmRelayStoreConfigurations {

	private EchoLlmRelayStoreConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("echo.llm.relay.resumable")
	@ConditionalOnProperty(name = "echo.llm.relay.store", havingValue = "memory", matchIfMissing = true)
	static class MemoryStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(LlmStreamStore.class)
		InMemoryLlmStreamStore llmStreamStore(EchoLlmProperties properties) {
			EchoLlmProperties.Relay relay = properties.getRelay();
			return new InMemoryLlmStreamStore(relay.getRetention(), relay.getMaxStreams(),
					relay.getMaxStreamBytes().toBytes());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("echo.llm.relay.resumable")
	@ConditionalOnClass(RedisConnectionFactory.class)
	@ConditionalOnProperty(name = "echo.llm.relay.store", havingValue = "redis")
	static class RedisStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(LlmStreamStore.class)
		@ConditionalOnBean(RedisConnectionFactory.class)
		RedisLlmStreamStore llmStreamStore(EchoLlmProperties properties, RedisConnectionFactory connectionFactory) {
			EchoLlmProperties.Relay relay = properties.getRelay();
			return new RedisLlmStreamStore(connectionFactory, relay.getRetention(), relay.getMaxStreamBytes().toBytes());
		}

	}

}
