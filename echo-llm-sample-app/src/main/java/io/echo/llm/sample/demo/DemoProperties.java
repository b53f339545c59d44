package io.echo.llm.sample.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the embedded demo provider paces its answers ({@code echo.demo.*}).
 *
 * @param tokenDelay pause between two deltas, so that people can watch tokens arrive (zero for none). 40 ms is about
 * 25 tokens a second, the pace of a typical hosted model.
 * @param stallTimeout how long a stalled stream ({@code demo:stall}) holds its connection open before the provider
 * gives up on it
 * @param maxStreams streams the demo provider serves at once; more get HTTP 503
 */
@ConfigurationProperties("echo.demo")
public record DemoProperties(@DefaultValue("40ms") Duration tokenDelay, @DefaultValue("2m") Duration stallTimeout,
		@DefaultValue("200") int maxStreams) {

	public DemoProperties {
		if (tokenDelay.isNegative() || stallTimeout.isNegative()) {
			throw new IllegalArgumentException("echo.demo delays must not be negative");
		}
		if (maxStreams < 1) {
			throw new IllegalArgumentException("echo.demo.max-streams must be at least 1");
		}
	}

}
