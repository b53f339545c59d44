package io.echo.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This process's TCP sockets as Linux lists them under {@code /proc/self}: what the connection-leak tests count.
 * Shared with the other modules through core's test jar.
 */
public final class ProcSockets {

	private static final String CLOSE_WAIT = "08";

	private ProcSockets() {
	}

	/** Sockets of this process in {@code CLOSE_WAIT} (state 08) whose remote end is the given port on this machine. */
	public static long closeWaitTo(int port) throws IOException {
		Set<String> inodes = socketInodes();
		long count = 0;
		for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.exists(path)) {
				continue;
			}
			List<String> lines = Files.readAllLines(path);
			for (String line : lines.subList(1, lines.size())) {
				String[] fields = line.trim().split("\\s+");
				String remote = fields[2];
				int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
				if (remotePort == port && fields[3].equals(CLOSE_WAIT) && inodes.contains(fields[9])) {
					count++;
				}
			}
		}
		return count;
	}

	private static Set<String> socketInodes() throws IOException {
		Set<String> inodes = new HashSet<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			fds.forEach((fd) -> {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					if (target.startsWith("socket:[")) {
						inodes.add(target.substring("socket:[".length(), target.length() - 1));
					}
				}
				catch (IOException ex) {
					// Closed meanwhile: not a socket of ours any more.
				}
			});
		}
		return inodes;
	}

}
