package io.echo.llm;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import static io.echo.llm.TestStreams.chunkEvent;
import static io.echo.llm.TestStreams.client;
import static io.echo.llm.TestStreams.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Even at TRACE, the HTTP client's logs included, the logs carry the model and counts, never the API key or the prompt. */
@Timeout(20)
class LlmStreamServiceLoggingTests extends RawServerSupport {

	private static final String PROMPT = "my secret prompt";

	// The engine's loggers, and Apache HttpClient's: its header and wire logs would print every request byte.
	private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("io.echo.llm"),
			(Logger) LoggerFactory.getLogger("org.apache.hc"));

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final List<Level> previousLevels = new ArrayList<>();

	@BeforeEach
	void captureLogs() {
		this.appender.start();
		for (Logger logger : this.loggers) {
			this.previousLevels.add(logger.getLevel());
			logger.setLevel(Level.TRACE);
			logger.addAppender(this.appender);
		}
	}

	@AfterEach
	void restoreLogs() {
		for (int i = 0; i < this.loggers.size(); i++) {
			this.loggers.get(i).detachAppender(this.appender);
			this.loggers.get(i).setLevel(this.previousLevels.get(i));
		}
	}

	@Test
	void logsNeitherTheKeyNorThePromptButTheModelAndMessageCount() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			if (this.server.connections() == 1) {
				exchange.raw("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2"
						+ "\r\n\r\n{}");
				return;
			}
			exchange.sseHeaders().chunk("data: {\"status\":\"busy\"}\n\n").chunk(chunkEvent("c1", "Hi")).endBody();
		});
		try (ChatCompletionStream stream = client(this.server.baseUrl()).build().stream(TestStreams.request(PROMPT))) {
			assertThatExceptionOfType(LlmTruncatedStreamException.class).isThrownBy(() -> ids(stream));
		}
		assertThat(this.appender.list).isNotEmpty();
		assertThat(this.appender.list).map(ILoggingEvent::getFormattedMessage)
			.anySatisfy((message) -> assertThat(message).contains("model=test-model", "messages=1"))
			.allSatisfy((message) -> assertThat(message).doesNotContain("sk-test-secret", PROMPT));
	}

}
