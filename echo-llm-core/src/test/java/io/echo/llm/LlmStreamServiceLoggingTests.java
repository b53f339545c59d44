package io.echo.llm;

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

/** Even at TRACE the logs carry the model and counts, never the API key or the prompt. */
@Timeout(20)
class LlmStreamServiceLoggingTests extends RawServerSupport {

	private static final String PROMPT = "my secret prompt";

	private final Logger logger = (Logger) LoggerFactory.getLogger("io.echo.llm");

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private Level previousLevel;

	@BeforeEach
	void captureLogs() {
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.TRACE);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

	@Test
	void logsNeitherTheKeyNorThePromptButTheModelAndMessageCount() throws Exception {
		this.server = new RawHttpServer((exchange) -> {
			if (this.server.connections() == 1) {
				exchange.raw("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2"
						+ "\r\n\r\n{}");
				return;
			}
			exchange.sseHeaders().chunk("data: not json\n\n").chunk(chunkEvent("c1", "Hi")).endBody();
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
