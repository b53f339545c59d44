package io.echo.llm;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** Base of tests against a WireMock server on loopback, started and stopped around each test. */
abstract class WireMockSupport {

	protected static final String PATH = "/v1/chat/completions";

	protected WireMockServer wireMock;

	@BeforeEach
	void startWireMock() {
		this.wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
		this.wireMock.start();
	}

	@AfterEach
	void stopWireMock() {
		this.wireMock.stop();
	}

	protected LlmStreamService.Builder llm() {
		return TestStreams.client("http://127.0.0.1:" + this.wireMock.port() + "/v1");
	}

	protected int requests() {
		return this.wireMock.findAll(postRequestedFor(urlEqualTo(PATH))).size();
	}

	protected static ResponseDefinitionBuilder json(int status, String body) {
		return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
	}

}
