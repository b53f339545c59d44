package io.echo.llm.web.resume.redis;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.echo.llm.sse.SseEvent;
import io.echo.llm.web.SseClient;
import io.echo.llm.web.RelayTestApplication;
import io.echo.llm.web.resume.AbstractResumableRelayTests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The resumable relay on two application instances sharing a real Redis server: a reply started on A is resumed,
 * followed and stopped on B.
 */
@ExtendWith(LocalRedis.Extension.class)
class RedisResumableRelayTests extends AbstractResumableRelayTests {

	RedisResumableRelayTests() throws IOException {
	}

	@BeforeAll
	void startInstances(LocalRedis redis) {
		Map<String, Object> properties = properties();
		properties.put("echo.llm.relay.store", "redis");
		properties.put("spring.data.redis.host", redis.host());
		properties.put("spring.data.redis.port", Integer.toString(redis.port()));
		this.instances.add(RelayTestApplication.start(properties));
		this.instances.add(RelayTestApplication.start(properties));
	}

	@Test
	void resumeOfAReplyWhoseInstanceDiedEndsWithAnAbandonedErrorInsteadOfWaitingForExpiry(LocalRedis redis)
			throws Exception {
		LettuceConnectionFactory connections = redis.connectionFactory();
		// A third instance on the same Redis, with a short writer lease, that dies mid-reply: it never writes again.
		try (RedisLlmStreamStore dying = new RedisLlmStreamStore(connections, Duration.ofMinutes(5), 1 << 20,
				RedisLlmStreamStore.DEFAULT_PREFIX, Duration.ofMillis(500))) {
			String streamId = dying.create();
			dying.append(streamId, "stream", "{\"stream_id\":\"" + streamId + "\"}");
			dying.append(streamId, "token", "{\"text\":\"Hel\"}");
			try (SseClient follower = SseClient.get(streamUri(instanceB(), streamId), Map.of("Last-Event-ID", streamId + ":1"))) {
				assertThat(restWithin(follower, 6)).extracting(SseEvent::event, SseEvent::data)
					.containsExactly(tuple("token", "{\"text\":\"Hel\"}"), tuple("error", "{\"status\":502,"
							+ "\"code\":\"stream_abandoned\",\"message\":\"The server writing this reply stopped before "
							+ "finishing it; send the message again\"}"));
			}
		}
		finally {
			connections.destroy();
		}
	}

	@Override
	protected URI instanceA() {
		return uri(this.instances.get(0));
	}

	@Override
	protected URI instanceB() {
		return uri(this.instances.get(1));
	}

}
