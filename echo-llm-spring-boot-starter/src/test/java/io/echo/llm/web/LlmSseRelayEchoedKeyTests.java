package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider that echoes the API key back in any field of its error (code, message, type, param), raw or
 * JSON-escaped, in a 401 body or inside a 200 stream: the relay's clients, in both formats and with the resumable
 * relay too, and every log line of echo-llm at TRACE, see at most {@code ******} (and the key's last four
 * characters). Real Tomcat, a real HTTP client, the upstream on a raw loopback socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LlmSseRelayEchoedKeyTests {

	private static final String KEY = "sk-proj-Zx81QpLm4NvT7rW2yK9bC3dF";

	private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

	private final EchoingUpstream upstream;

	private final ConfigurableApplicationContext plain;

	private final ConfigurableApplicationContext resumable;

	private final Logger logger = (Logger) LoggerFactory.getLogger("io.echo.llm");

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private Level previousLevel;

	LlmSseRelayEchoedKeyTests() throws IOException {
		this.upstream = new EchoingUpstream(KEY);
		Map<String, Object> properties = Map.of("echo.llm.base-url", this.upstream.baseUrl(), "echo.llm.api-key", KEY,
				"echo.llm.retry.max-attempts", "1");
		this.plain = RelayTestApplication.start(properties);
		Map<String, Object> resumableProperties = new java.util.HashMap<>(properties);
		resumableProperties.put("echo.llm.relay.resumable", "true");
		this.resumable = RelayTestApplication.start(resumableProperties);
	}

	@BeforeEach
	void captureLogs() {
		// After the applications started: Boot's logging system sets the levels at startup.
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.TRACE);
		this.logs.start();
		this.logger.addAppender(this.logs);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.logs);
		this.logger.setLevel(this.previousLevel);
	}

	@AfterAll
	void stop() throws IOException {
		this.plain.close();
		this.resumable.close();
		this.upstream.close();
	}

	static Stream<Arguments> echoes() {
		List<Arguments> cases = new ArrayList<>();
		for (String where : List.of("status", "event", "data")) {
			for (String field : EchoingUpstream.FIELDS) {
				for (String spelling : List.of("raw", "escaped")) {
					for (String path : List.of("/api/chat", "/api/chat/openai", "resumable /api/chat")) {
						cases.add(Arguments.of(where, field, spelling, path));
					}
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2} {3}")
	@MethodSource("echoes")
	void clientsAndLogsNeverSeeTheEchoedKey(String where, String field, String spelling, String path)
			throws Exception {
		ConfigurableApplicationContext application = path.startsWith("resumable ") ? this.resumable : this.plain;
		URI uri = URI.create("http://127.0.0.1:" + RelayTestApplication.port(application)
				+ path.substring(path.indexOf('/')));
		String prompt = "echo " + where + " " + field + " " + spelling;
		String body;
		try (SseClient client = SseClient.post(uri,
				"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")) {
			assertThat(client.status()).isEqualTo(200);
			body = client.body();
		}
		assertThat(body).as("the client was told of the error").containsPattern("event: ?error");
		assertNoKey(body);
		assertThat(this.logs.list).as("the relay logged the failure")
			.anySatisfy((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.INFO);
				assertThat(event.getFormattedMessage()).contains("failed");
			});
		for (ILoggingEvent event : this.logs.list) {
			assertNoKey(event.getFormattedMessage());
			for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
				assertNoKey(proxy.getMessage());
			}
		}
	}

	/** At most the key's last four characters may show: no run of 8 of its characters, decoded or not. */
	private static void assertNoKey(String text) {
		if (text == null) {
			return;
		}
		Matcher matcher = UNICODE_ESCAPE.matcher(text);
		StringBuilder decoded = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(decoded,
					Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(matcher.group(1), 16))));
		}
		matcher.appendTail(decoded);
		for (int start = 0; start + 8 <= KEY.length(); start++) {
			assertThat(decoded.toString()).as("a piece of the key").doesNotContain(KEY.substring(start, start + 8));
		}
	}

}
