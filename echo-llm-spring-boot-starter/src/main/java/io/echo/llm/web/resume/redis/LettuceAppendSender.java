package io.echo.llm.web.resume.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Sends a {@link RedisStreamWriter}'s batches without blocking the writer: Lettuce (Boot's default Redis client)
 * writes the script call on its shared connection, pipelined with every other stream's, and completes it on its own
 * I/O thread. Its async API directly, because a reactive pipeline per event cost the relay measurably more CPU. Only
 * loaded with Lettuce on the class path; a Jedis setup never touches this class.
 */
final class LettuceAppendSender implements RedisStreamWriter.Sender, AutoCloseable {

	private static final String SCRIPT = RedisStreamScripts.APPEND_BATCH.getScriptAsString();

	private static final String SHA = RedisStreamScripts.APPEND_BATCH.getSha1();

	private final LettuceConnection connection;

	private final RedisClusterAsyncCommands<byte[], byte[]> commands;

	private LettuceAppendSender(LettuceConnectionFactory connectionFactory) {
		// With the factory's shared native connection (its default) this holds no connection of its own.
		this.connection = (LettuceConnection) connectionFactory.getConnection();
		this.commands = this.connection.getNativeConnection();
	}

	/** A sender for a Lettuce connection factory, or {@code null} for any other. */
	static @Nullable LettuceAppendSender of(RedisConnectionFactory connectionFactory) {
		return (connectionFactory instanceof LettuceConnectionFactory lettuce) ? new LettuceAppendSender(lettuce)
				: null;
	}

	@Override
	public void send(List<String> keys, List<String> args, BiConsumer<@Nullable Long, @Nullable Throwable> done) {
		byte[][] keyBytes = bytes(keys);
		byte[][] argBytes = bytes(args);
		RedisFuture<Long> sent = this.commands.evalsha(SHA, ScriptOutputType.INTEGER, keyBytes, argBytes);
		sent.whenComplete((last, error) -> {
			// Redis lost its script cache (a restart, SCRIPT FLUSH): send the script itself, once.
			if (error instanceof RedisNoScriptException) {
				this.commands.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keyBytes, argBytes).whenComplete(done);
			}
			else {
				done.accept(last, error);
			}
		});
	}

	private static byte[][] bytes(List<String> values) {
		byte[][] bytes = new byte[values.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
