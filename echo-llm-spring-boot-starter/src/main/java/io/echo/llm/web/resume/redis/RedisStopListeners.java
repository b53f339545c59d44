package io.echo.llm.web.resume.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

import io.echo.llm.web.resume.LlmStreamStore.Registration;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The stop listeners of {@link RedisLlmStreamStore}: one subscription to the stop channel per store, and the
 * listeners of each stream, each run at most once. Thread-safe: a concurrent map written by the threads that register
 * listeners and read by the subscription's thread.
 */
final class RedisStopListeners implements MessageListener, AutoCloseable {

	private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();

	private final RedisMessageListenerContainer container;

	RedisStopListeners(RedisConnectionFactory connectionFactory, ChannelTopic channel) {
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		// Listeners only flag a cancel, so they run on the subscription's own thread: no executor to size.
		this.container.setTaskExecutor(Runnable::run);
		this.container.addMessageListener(this, channel);
		this.container.afterPropertiesSet();
		this.container.start();
	}

	/** Wraps the listener so that it runs at most once, however many stop messages arrive. */
	static Runnable once(Runnable listener) {
		return new RunOnce(listener);
	}

	/** Adds a listener of the stream until the registration is closed. */
	Registration add(String streamId, Runnable listener) {
		this.listeners.computeIfAbsent(streamId, (id) -> new CopyOnWriteArraySet<>()).add(listener);
		return () -> this.listeners.computeIfPresent(streamId, (id, set) -> {
			set.remove(listener);
			return set.isEmpty() ? null : set;
		});
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		String streamId = new String(message.getBody(), StandardCharsets.UTF_8);
		Set<Runnable> stream = this.listeners.get(streamId);
		if (stream != null) {
			stream.forEach(Runnable::run);
		}
	}

	/** Stops listening. */
	@Override
	public void close() {
		try {
			this.container.destroy();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not stop the Redis stop-request listener", ex);
		}
	}

	private static final class RunOnce implements Runnable {

		private final Runnable delegate;

		private final AtomicBoolean ran = new AtomicBoolean();

		RunOnce(Runnable delegate) {
			this.delegate = delegate;
		}

		@Override
		public void run() {
			if (this.ran.compareAndSet(false, true)) {
				this.delegate.run();
			}
		}

	}

}
