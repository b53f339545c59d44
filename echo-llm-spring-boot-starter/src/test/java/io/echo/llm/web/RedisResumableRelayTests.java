package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

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

	@Override
	URI instanceA() {
		return uri(this.instances.get(0));
	}

	@Override
	URI instanceB() {
		return uri(this.instances.get(1));
	}

}
