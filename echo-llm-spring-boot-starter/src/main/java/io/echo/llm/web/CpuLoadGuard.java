package io.echo.llm.web;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Tells when the host's CPUs are too busy to take another stream ({@code echo.llm.relay.max-cpu-load}): every
 * {@link #INTERVAL} it reads the CPU load of the host (of the container, where the JDK sees one), and after
 * {@link #SUSTAINED} readings running at or above the limit the relay refuses new streams until a reading falls below
 * it. On saturated cores every token waits for a core, in every stream, and more streams make each wait longer; a
 * limit on live streams cannot tell that, since the same count is light on a quiet host and too much on one whose
 * neighbours or own batch jobs take its cores.
 * <p>
 * One second running: a collection or a burst of compilation does not refuse anyone; saturation does. Where the JDK
 * cannot read the load it never refuses.
 * <p>
 * Threads: {@link #tick} runs on the heartbeats' single thread, which alone writes {@code busy}; {@link #overloaded}
 * is read by request threads.
 */
final class CpuLoadGuard {

	/** Time between two readings. */
	static final Duration INTERVAL = Duration.ofMillis(250);

	/** Consecutive readings at or above the limit (one second) after which new streams are refused. */
	static final int SUSTAINED = 4;

	private final double maxLoad;

	private final DoubleSupplier cpuLoad;

	private int busy;

	private volatile boolean overloaded;

	private volatile double lastLoad;

	/**
	 * @param maxLoad the load (0 to 1, of every CPU the host gives) from which new streams are refused
	 * @param cpuLoad the load since the previous call, between 0 and 1, or negative when not known
	 */
	CpuLoadGuard(double maxLoad, DoubleSupplier cpuLoad) {
		if (!(maxLoad > 0 && maxLoad <= 1)) {
			throw new IllegalArgumentException("maxLoad must be above 0 and at most 1, was " + maxLoad);
		}
		this.maxLoad = maxLoad;
		this.cpuLoad = cpuLoad;
	}

	/** The host's CPU load as the JDK reads it ({@code com.sun.management}), or always unknown where it cannot. */
	static DoubleSupplier hostCpuLoad() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean host) {
			return host::getCpuLoad;
		}
		return () -> -1;
	}

	/** Reads the load every {@link #INTERVAL} on the heartbeats' thread until they close. */
	void start(SseHeartbeats heartbeats) {
		heartbeats.every(INTERVAL, this::tick);
	}

	/** Whether the load has been at or above the limit for {@link #SUSTAINED} readings running. */
	boolean overloaded() {
		return this.overloaded;
	}

	/** The last reading and the limit, for a refusal's log line. */
	String describe() {
		return String.format(Locale.ROOT, "%.0f %%, at or above echo.llm.relay.max-cpu-load (%.0f %%) for a second",
				this.lastLoad * 100, this.maxLoad * 100);
	}

	/** Takes one reading. */
	void tick() {
		double load = this.cpuLoad.getAsDouble();
		if (Double.isNaN(load) || load < 0) {
			return;
		}
		this.lastLoad = load;
		this.busy = (load >= this.maxLoad) ? Math.min(this.busy + 1, SUSTAINED) : 0;
		this.overloaded = (this.busy >= SUSTAINED);
	}

}
