package io.echo.llm.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.echo.llm.web.EchoingUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.echo.llm.sample.JsonAssertions.chat;
import static io.echo.llm.sample.JsonAssertions.openAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider that echoes the sample's API key back in any field of its error (code, message, type, param), raw or
 * JSON-escaped, in a 401 body or inside a 200 stream: what {@code /api/chat} and {@code /v1/chat/completions} answer,
 * and every echo-llm log line at TRACE, hold at most {@code ******} and the key's last four characters.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "echo.llm.retry.max-attempts=1")
class EchoedKeyEndpointsTests {

	private static final String KEY = "sk-proj-Zx81QpLm4NvT7rW2yK9bC3dF";

	private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");

	private static final EchoingUpstream upstream = start();

	private final Logger logger = (Logger) LoggerFactory.getLogger("io.echo.llm");

	private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

	private Level previousLevel;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void upstreamProperties(DynamicPropertyRegistry registry) {
		registry.add("echo.llm.base-url", upstream::baseUrl);
		registry.add("echo.llm.api-key", () -> KEY);
	}

	private static EchoingUpstream start() {
		try {
			return new EchoingUpstream(KEY);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stopUpstream() throws IOException {
		upstream.close();
	}

	@BeforeEach
	void captureLogs() {
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

	static Stream<Arguments> echoes() {
		List<Arguments> cases = new ArrayList<>();
		for (String where : List.of("status", "event", "data")) {
			for (String field : EchoingUpstream.FIELDS) {
				for (String spelling : List.of("raw", "escaped")) {
					cases.add(Arguments.of(where, field, spelling));
				}
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("echoes")
	void pageStreamNeverShowsTheEchoedKey(String where, String field, String spelling) throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/api/chat", chat(prompt(where, field, spelling)));
		assertThat(answer.body()).as("the page was told of the error").contains("error");
		assertNoKey(answer.body());
		assertLogsClean();
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("echoes")
	void openAiStreamNeverShowsTheEchoedKey(String where, String field, String spelling) throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions",
				openAi(prompt(where, field, spelling), true));
		assertThat(answer.body()).as("the client was told of the error").contains("error");
		assertNoKey(answer.body());
		assertLogsClean();
	}

	static Stream<Arguments> statusEchoes() {
		return echoes().filter((arguments) -> arguments.get()[0].equals("status"));
	}

	@ParameterizedTest(name = "{0} {1} {2}")
	@MethodSource("statusEchoes")
	void openAiCompletionNeverShowsTheEchoedKey(String where, String field, String spelling) throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/v1/chat/completions",
				openAi(prompt(where, field, spelling), false));
		assertThat(answer.status()).isEqualTo(401);
		assertNoKey(answer.body());
		assertLogsClean();
	}

	private static String prompt(String where, String field, String spelling) {
		return "echo " + where + " " + field + " " + spelling;
	}

	private void assertLogsClean() {
		// The relay thread logs the failure as the reply ends, which may be just after the client read it.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(logged()).as("the failure was logged")
			.anySatisfy((event) -> {
				assertThat(event.getLevel()).isEqualTo(Level.INFO);
				assertThat(event.getFormattedMessage()).contains("failed");
			}));
		for (ILoggingEvent event : logged()) {
			assertNoKey(event.getFormattedMessage());
			for (IThrowableProxy proxy = event.getThrowableProxy(); proxy != null; proxy = proxy.getCause()) {
				assertNoKey(proxy.getMessage());
			}
		}
	}

	// The appender adds under its own lock, from the relay threads too: copy under it.
	private List<ILoggingEvent> logged() {
		synchronized (this.logs) {
			return List.copyOf(this.logs.list);
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
