package io.echo.llm.web;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.BeforeAll;

/**
 * The resumable relay on one instance with the memory store: resume, stop and the resume window.
 */
class InMemoryResumableRelayTests extends AbstractResumableRelayTests {

	InMemoryResumableRelayTests() throws IOException {
	}

	@BeforeAll
	void startInstance() {
		this.instances.add(RelayTestApplication.start(properties()));
	}

	@Override
	URI instanceA() {
		return uri(this.instances.get(0));
	}

	@Override
	URI instanceB() {
		return instanceA();
	}

}
