package io.echo.llm.web.resume;

import io.echo.llm.web.RelayTestApplication;

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
	protected URI instanceA() {
		return uri(this.instances.get(0));
	}

	@Override
	protected URI instanceB() {
		return instanceA();
	}

}
