package io.echo.llm.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Chat page and OpenAI-compatible relay built on echo-llm. Without {@code echo.llm.base-url} it talks to an embedded
 * demo provider, so it runs offline with no API key.
 */
@SpringBootApplication
public class EchoLlmSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(EchoLlmSampleApplication.class, args);
	}

}
