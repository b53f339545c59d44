package io.echo.llm.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Chat page and OpenAI-compatible relay built on echo-llm. Without {@code echo.llm.base-url} it talks to an embedded
 * demo provider, so it runs offline with no API key.
 */
@SpringBootApplication
public class EchoLlmSampleApplication {

	/** The JDK's system property for the number of virtual-thread carriers (default: one per core). */
	static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";

	public static void main(String[] args) {
		carriers(Runtime.getRuntime().availableProcessors());
		SpringApplication.run(EchoLlmSampleApplication.class, args);
	}

	/**
	 * Gives virtual threads at least 16 carriers unless {@code -Djdk.virtualThreadScheduler.parallelism} says
	 * otherwise; before the first virtual thread starts, which is when the JDK reads it. The scheduler runs a virtual
	 * thread until it waits, never preempting it, on one carrier per core: on two cores, two new streams being set
	 * up (Tomcat's request, Spring MVC, the upstream call: a millisecond or more of CPU each) hold back the tokens of
	 * every open stream. With more carriers than cores the operating system shares the cores between them, and a
	 * token's short task runs at once (docs/relay.md, "Threads").
	 * @return the number of carriers in effect
	 */
	static int carriers(int cores) {
		String given = System.getProperty(CARRIERS);
		if (given != null) {
			return Integer.parseInt(given.strip());
		}
		int carriers = Math.max(16, cores);
		System.setProperty(CARRIERS, Integer.toString(carriers));
		return carriers;
	}

}
