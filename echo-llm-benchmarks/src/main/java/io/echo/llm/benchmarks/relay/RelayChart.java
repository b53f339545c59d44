package io.echo.llm.benchmarks.relay;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the relay-scale figure: p99 added latency and heap after GC against concurrent streams, one line per mode. */
final class RelayChart {

	private RelayChart() {
	}

	/** The floor rows (no relay) appear on the latency chart only: they have no app heap. */
	static void write(List<RelayScaleBenchmark.Row> floor, List<RelayScaleBenchmark.Row> rows, Path png)
			throws IOException {
		List<RelayScaleBenchmark.Row> withFloor = new ArrayList<>(floor);
		withFloor.addAll(rows);
		XYChart latency = chart("p99 added latency (log scale)", "ms", withFloor, RelayScaleBenchmark.Row::p99Millis);
		latency.getStyler().setYAxisLogarithmic(true);
		XYChart heap = chart("Heap after GC at peak", "MiB", rows, RelayScaleBenchmark.Row::heapMiB);
		Files.createDirectories(png.toAbsolutePath().getParent());
		BitmapEncoder.saveBitmap(List.of(latency, heap), 1, 2, png.toString(), BitmapFormat.PNG);
	}

	// One color per mode on both charts, whichever modes a run has.
	private static Color color(String mode) {
		return switch (mode) {
			case "java17-platform" -> new Color(0x1f77b4);
			case "java25-virtual" -> new Color(0xff7f0e);
			case "java25-platform" -> new Color(0x2ca02c);
			case "java25-virtual-redis" -> new Color(0xd62728);
			default -> Color.GRAY;
		};
	}

	private static XYChart chart(String title, String unit, List<RelayScaleBenchmark.Row> rows,
			ToDoubleFunction<RelayScaleBenchmark.Row> value) {
		XYChart chart = new XYChartBuilder().width(640)
			.height(420)
			.title(title)
			.xAxisTitle("concurrent streams")
			.yAxisTitle(unit)
			.build();
		Map<String, List<RelayScaleBenchmark.Row>> byMode = new LinkedHashMap<>();
		rows.forEach((row) -> byMode.computeIfAbsent(row.mode(), (mode) -> new ArrayList<>()).add(row));
		byMode.forEach((mode, modeRows) -> {
			XYSeries series = chart.addSeries(mode,
					modeRows.stream().mapToDouble(RelayScaleBenchmark.Row::streams).toArray(),
					modeRows.stream().mapToDouble(value).toArray());
			series.setMarker(SeriesMarkers.CIRCLE);
			series.setMarkerColor(color(mode));
			series.setLineColor(color(mode));
		});
		return chart;
	}

}
