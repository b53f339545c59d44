package io.echo.llm.web.resume.redis;

import java.util.List;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Sends a {@link RedisStreamWriter}'s batches without blocking the writer: the reactive client (Lettuce) writes the
 * script call on its shared connection, pipelined with every other stream's, and answers on its own I/O thread. Only
 * loaded when Reactor and a reactive connection factory are there; a Jedis setup never touches this class.
 */
final class ReactiveAppendSender implements RedisStreamWriter.Sender {

	private final ReactiveRedisTemplate<String, String> redis;

	ReactiveAppendSender(ReactiveRedisConnectionFactory connectionFactory) {
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, RedisSerializationContext.string());
	}

	@Override
	public void send(List<String> keys, List<String> args, BiConsumer<@Nullable Long, @Nullable Throwable> done) {
		this.redis.execute(RedisStreamScripts.APPEND_BATCH, keys, args)
			.next()
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("Redis answered the append with nothing")))
			.subscribe((last) -> done.accept(last, null), (error) -> done.accept(null, error));
	}

}
