package io.echo.llm.web;

import java.util.Map;

import io.echo.llm.chat.ChatCompletionRequest;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A minimal application using the starter as an application would: a chat endpoint that returns the relay's emitter.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(RelayTestApplication.ChatController.class)
public class RelayTestApplication {

	/** Starts one instance on a random port with the given properties. */
	public static ConfigurableApplicationContext start(Map<String, Object> properties) {
		return start(properties, new Class<?>[0]);
	}

	/** Starts one instance on a random port with the given properties and more configuration classes. */
	public static ConfigurableApplicationContext start(Map<String, Object> properties, Class<?>... more) {
		return new SpringApplicationBuilder(RelayTestApplication.class).sources(more).web(WebApplicationType.SERVLET)
			.properties(properties)
			.properties(Map.of("server.port", "0", "spring.main.banner-mode", "off"))
			.run();
	}

	public static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
	}

	@RestController
	static class ChatController {

		private final LlmSseRelay relay;

		ChatController(LlmSseRelay relay) {
			this.relay = relay;
		}

		@PostMapping("/api/chat")
		SseEmitter chat(@RequestBody ChatCompletionRequest request) {
			return this.relay.relay(request, RelayFormat.BROWSER);
		}

		@PostMapping("/api/chat/openai")
		SseEmitter openAi(@RequestBody ChatCompletionRequest request) {
			return this.relay.relay(request, RelayFormat.OPENAI);
		}

	}

}
