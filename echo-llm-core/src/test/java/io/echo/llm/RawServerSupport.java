package io.echo.llm;

import org.junit.jupiter.api.AfterEach;

/** Base of tests that script a {@link RawHttpServer}; stops it after each test. */
abstract class RawServerSupport {

	protected RawHttpServer server;

	@AfterEach
	void stopServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

}
