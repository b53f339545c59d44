package io.echo.llm.sample;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample's main gives virtual threads more carriers than a small machine has cores, unless told otherwise. */
class CarrierThreadsTests {

	private String before;

	@BeforeEach
	void clear() {
		this.before = System.getProperty(EchoLlmSampleApplication.CARRIERS);
		System.clearProperty(EchoLlmSampleApplication.CARRIERS);
	}

	@AfterEach
	void restore() {
		if (this.before != null) {
			System.setProperty(EchoLlmSampleApplication.CARRIERS, this.before);
		}
		else {
			System.clearProperty(EchoLlmSampleApplication.CARRIERS);
		}
	}

	@Test
	void twoCoresGetSixteenCarriers() {
		assertThat(EchoLlmSampleApplication.carriers(2)).isEqualTo(16);
		assertThat(System.getProperty(EchoLlmSampleApplication.CARRIERS)).isEqualTo("16");
	}

	@Test
	void manyCoresKeepOnePerCore() {
		assertThat(EchoLlmSampleApplication.carriers(48)).isEqualTo(48);
	}

	@Test
	void aGivenNumberIsKept() {
		System.setProperty(EchoLlmSampleApplication.CARRIERS, " 4 ");
		assertThat(EchoLlmSampleApplication.carriers(2)).isEqualTo(4);
		assertThat(System.getProperty(EchoLlmSampleApplication.CARRIERS)).isEqualTo(" 4 ");
	}

}
