package io.echo.llm.web;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.echo.llm.LlmStreamService;
import io.echo.llm.autoconfigure.EchoLlmAutoConfiguration;
import io.echo.llm.chat.ChatCompletionRequest;
import io.echo.llm.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Boot's Apache HttpClient (httpclient5 is on this module's test class path) and its loggers at TRACE, the API
 * key reaches no log line: Boot's client gets echo-llm's connections, which do not log what they send.
 */
class StarterHttpLoggingTests {

	private static final String API_KEY = "sk-starter-secret-key";

	@Test
	void apacheClientLogsNeitherTheKeyNorThePrompt() throws Exception {
		Logger apache = (Logger) LoggerFactory.getLogger("org.apache.hc");
		Level previous = apache.getLevel();
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		apache.setLevel(Level.TRACE);
		apache.addAppender(appender);
		try (SseUpstream upstream = new SseUpstream()) {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
						ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
						EchoLlmAutoConfiguration.class))
				.withPropertyValues("echo.llm.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
						"echo.llm.api-key=" + API_KEY)
				.run((context) -> {
					ChatCompletionRequest request = ChatCompletionRequest.builder()
						.message(ChatMessage.user("complete-me"))
						.build();
					assertThat(context.getBean(LlmStreamService.class).complete(request).text()).isEqualTo("Done");
				});
		}
		finally {
			apache.detachAppender(appender);
			apache.setLevel(previous);
		}
		List<String> messages = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		assertThat(messages).as("Apache's client logged the call").isNotEmpty();
		assertThat(messages).allSatisfy((message) -> assertThat(message).doesNotContain(API_KEY, "complete-me"));
	}

}
