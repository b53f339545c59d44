package io.echo.llm.web;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link LlmSseRelay} writes and how many streams it takes: {@code echo.llm.relay.flush-interval},
 * {@code echo.llm.relay.max-active-streams} and {@code echo.llm.relay.max-cpu-load}.
 *
 * <pre>{@code
 * RelaySettings.defaults().withFlushInterval(Duration.ZERO).withMaxActiveStreams(2000)
 *     .withMaxCpuLoad(0.9)
 * }</pre>
 *
 * @param flushInterval longest time an event waits to be written together with the events that follow it; an event
 * that comes this long after the previous write, an {@code error} event and the end of a stream go out at once; zero
 * writes and flushes every event on its own
 * @param maxActiveStreams most streams relayed at once across the relay's formats, resumable ones included; beyond it a
 * new stream is refused with {@code 503 relay_busy} before its response starts ({@link LlmRelayBusyException}); zero
 * or negative for no limit
 * @param maxCpuLoad the host's CPU load (above 0, at most 1: the share of every CPU it gives this process, a
 * container's where the JDK sees one) from which new streams are refused with {@code 503 relay_busy}: read every
 * 250 ms, refused after a second of readings at or above it until one falls below, so that the streams already live
 * keep their pace; zero for no such check
 */
public record RelaySettings(Duration flushInterval, int maxActiveStreams, double maxCpuLoad) {

	/** Default {@link #flushInterval()}: short next to the 20 to 50 ms between a model's tokens. */
	public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(5);

	/** Default {@link #maxActiveStreams()}: under Tomcat's default 8,192 connections, so the refusal comes first. */
	public static final int DEFAULT_MAX_ACTIVE_STREAMS = 5000;

	public RelaySettings {
		Objects.requireNonNull(flushInterval, "flushInterval");
		if (flushInterval.isNegative()) {
			throw new IllegalArgumentException("flushInterval must not be negative, was " + flushInterval);
		}
		if (!(maxCpuLoad >= 0 && maxCpuLoad <= 1)) {
			throw new IllegalArgumentException("maxCpuLoad must be between 0 and 1, was " + maxCpuLoad);
		}
	}

	/**
	 * Settings with no check of the host's CPU load.
	 * @param flushInterval as for {@link #flushInterval()}
	 * @param maxActiveStreams as for {@link #maxActiveStreams()}
	 */
	public RelaySettings(Duration flushInterval, int maxActiveStreams) {
		this(flushInterval, maxActiveStreams, 0);
	}

	/** Returns the defaults: a 5 ms flush interval, at most 5,000 live streams, no check of the CPU load. */
	public static RelaySettings defaults() {
		return new RelaySettings(DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_ACTIVE_STREAMS, 0);
	}

	/** Returns a copy with the given flush interval. */
	public RelaySettings withFlushInterval(Duration flushInterval) {
		return new RelaySettings(flushInterval, this.maxActiveStreams, this.maxCpuLoad);
	}

	/** Returns a copy with the given limit of live streams; zero or negative for none. */
	public RelaySettings withMaxActiveStreams(int maxActiveStreams) {
		return new RelaySettings(this.flushInterval, maxActiveStreams, this.maxCpuLoad);
	}

	/** Returns a copy with the given CPU load from which new streams are refused; zero for no check. */
	public RelaySettings withMaxCpuLoad(double maxCpuLoad) {
		return new RelaySettings(this.flushInterval, this.maxActiveStreams, maxCpuLoad);
	}

}
