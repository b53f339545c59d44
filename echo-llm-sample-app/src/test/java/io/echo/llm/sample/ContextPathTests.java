package io.echo.llm.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static io.echo.llm.sample.JsonAssertions.chat;
import static org.assertj.core.api.Assertions.assertThat;

/** Under a servlet context path the demo provider's URL and the page's stream follow it. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.servlet.context-path=/chat", "echo.demo.token-delay=0ms" })
class ContextPathTests {

	@LocalServerPort
	private int port;

	@Test
	void pageStreamReachesTheDemoProviderUnderTheContextPath() throws Exception {
		SseClient.Answer answer = new SseClient(this.port).post("/chat/api/chat", chat("Hello from /chat"));

		assertThat(answer.tokenText()).startsWith("You said: \"Hello from /chat\".");
		assertThat(answer.names()).last().isEqualTo("done");
	}

}
