package io.echo.llm.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.echo.llm.web.RelaySettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of echo-llm, bound from {@code echo.llm.*}.
 * <p>
 * The top-level keys (those of {@link LlmClientProperties}, here with their defaults) configure the primary
 * {@link io.echo.llm.LlmStreamService}; each entry under {@code echo.llm.clients.<name>} configures a named client of
 * {@link io.echo.llm.LlmClients} with the same keys, and every key it leaves unset is taken from the top level.
 * Like the base class, written by the binder while the context starts and only read afterwards.
 *
 * @see EchoLlmAutoConfiguration
 */
@ConfigurationProperties("echo.llm")
public class EchoLlmProperties extends LlmClientProperties {

	/**
	 * Whether to auto-configure echo-llm.
	 */
	private boolean enabled = true;

	/**
	 * Browser relay: resumable streams.
	 */
	private final Relay relay = new Relay();

	/**
	 * Named clients. Each takes any key of 'echo.llm' except 'enabled' and 'relay'; keys it leaves unset are inherited
	 * from the top level, the API key and headers included.
	 */
	private Map<String, Client> clients = new LinkedHashMap<>();

	/**
	 * Creates the properties with the top level's defaults; the additional configuration metadata documents the same
	 * values, since they are not field initializers of the shared base class (whose named clients must start unset).
	 */
	public EchoLlmProperties() {
		setBaseUrl("https://api.openai.com/v1");
		getTimeouts().setConnect(Duration.ofSeconds(10));
		getTimeouts().setFirstChunk(Duration.ofSeconds(30));
		getTimeouts().setIdle(Duration.ofSeconds(60));
		getTimeouts().setOverall(Duration.ZERO);
		getRetry().setMaxAttempts(3);
		getRetry().setInitialBackoff(Duration.ofMillis(500));
		getRetry().setMaxBackoff(Duration.ofSeconds(8));
		getRetry().setMaxRetryAfter(Duration.ofSeconds(60));
		getStream().setMaxEventSize(DataSize.ofMegabytes(4));
		getStream().setIncludeUsage(true);
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Relay getRelay() {
		return this.relay;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	public void setClients(Map<String, Client> clients) {
		this.clients = clients;
	}

	/** Masks the API key, header values and any credentials in the base URL, here and in every named client. */
	@Override
	public String toString() {
		return "EchoLlmProperties[enabled=" + this.enabled + ", " + super.toString() + ", relay=" + this.relay
				+ ", clients=" + this.clients + "]";
	}

	/**
	 * Browser relay: whether replies survive a dropped connection, and where their events are kept meanwhile.
	 */
	public static class Relay {

		/**
		 * Whether browser-format replies are resumable: each event gets an id, a client that lost its connection
		 * resumes with 'Last-Event-ID' at '/api/chat/streams/{id}', and a disconnect no longer cancels the upstream at
		 * once.
		 */
		private boolean resumable;

		/**
		 * Where resumable streams are kept: 'memory' for one instance, 'redis' for several instances sharing a Redis
		 * server (needs spring-boot-starter-data-redis).
		 */
		private StoreType store = StoreType.MEMORY;

		/**
		 * Time the upstream keeps streaming while no client follows it; after that it is cancelled.
		 */
		private Duration resumeWindow = Duration.ofSeconds(30);

		/**
		 * Time a finished stream can still be replayed.
		 */
		private Duration retention = Duration.ofMinutes(5);

		/**
		 * Most streams kept by the memory store; when full, the stream that finished first is dropped.
		 */
		private int maxStreams = 1000;

		/**
		 * Most event bytes kept per stream; beyond it the oldest events are dropped and a client that had not read
		 * them gets an error event.
		 */
		private DataSize maxStreamBytes = DataSize.ofMegabytes(1);

		/**
		 * Largest request body the relays' endpoints read (LlmRequestReader); a larger one gets 413. Room for a
		 * long conversation with a few inline images.
		 */
		private DataSize maxRequestSize = DataSize.ofMegabytes(8);

		/**
		 * Longest time a relayed event waits to be written and flushed together with the events that follow it; an
		 * error event and the end of a stream never wait. 0 writes and flushes every event on its own, as does a relay on
		 * a pool of platform threads (each stream holds one of its threads; a deferred flush would need another).
		 */
		private Duration flushInterval = RelaySettings.DEFAULT_FLUSH_INTERVAL;

		/**
		 * Most streams relayed at once by this instance (both formats and resumable ones, until their upstream
		 * ends); a new one beyond it gets 503 'relay_busy' before its response starts. 0 or negative for no limit.
		 */
		private int maxActiveStreams = RelaySettings.DEFAULT_MAX_ACTIVE_STREAMS;

		/**
		 * Host CPU load (0 to 1) from which new streams get 503 'relay_busy': read every 250 ms, refused after a
		 * second of readings at or above it until one falls below, so that the streams already live keep their pace.
		 * 0 for no check.
		 */
		private double maxCpuLoad;

		public boolean isResumable() {
			return this.resumable;
		}

		public void setResumable(boolean resumable) {
			this.resumable = resumable;
		}

		public StoreType getStore() {
			return this.store;
		}

		public void setStore(StoreType store) {
			this.store = store;
		}

		public Duration getResumeWindow() {
			return this.resumeWindow;
		}

		public void setResumeWindow(Duration resumeWindow) {
			this.resumeWindow = resumeWindow;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getMaxStreams() {
			return this.maxStreams;
		}

		public void setMaxStreams(int maxStreams) {
			this.maxStreams = maxStreams;
		}

		public DataSize getMaxStreamBytes() {
			return this.maxStreamBytes;
		}

		public void setMaxStreamBytes(DataSize maxStreamBytes) {
			this.maxStreamBytes = maxStreamBytes;
		}

		public Duration getFlushInterval() {
			return this.flushInterval;
		}

		public void setFlushInterval(Duration flushInterval) {
			this.flushInterval = flushInterval;
		}

		public int getMaxActiveStreams() {
			return this.maxActiveStreams;
		}

		public void setMaxActiveStreams(int maxActiveStreams) {
			this.maxActiveStreams = maxActiveStreams;
		}

		public double getMaxCpuLoad() {
			return this.maxCpuLoad;
		}

		public void setMaxCpuLoad(double maxCpuLoad) {
			this.maxCpuLoad = maxCpuLoad;
		}

		public DataSize getMaxRequestSize() {
			return this.maxRequestSize;
		}

		public void setMaxRequestSize(DataSize maxRequestSize) {
			this.maxRequestSize = maxRequestSize;
		}

		@Override
		public String toString() {
			return "Relay[resumable=" + this.resumable + ", store=" + this.store + ", resumeWindow="
					+ this.resumeWindow + ", retention=" + this.retention + ", maxStreams=" + this.maxStreams
					+ ", maxStreamBytes=" + this.maxStreamBytes + ", maxRequestSize=" + this.maxRequestSize
					+ ", flushInterval=" + this.flushInterval + ", maxActiveStreams=" + this.maxActiveStreams
					+ ", maxCpuLoad=" + this.maxCpuLoad + "]";
		}

		/** Where resumable streams are kept. */
		public enum StoreType {

			/** In this instance's memory. */
			MEMORY,

			/** In Redis, shared by every instance. */
			REDIS

		}

	}

	/**
	 * Named client: every key left unset (null) is taken from the top level.
	 */
	public static class Client extends LlmClientProperties {

		/** Masks the API key, header values and any credentials in the base URL. */
		@Override
		public String toString() {
			return "Client[" + super.toString() + "]";
		}

	}

}
