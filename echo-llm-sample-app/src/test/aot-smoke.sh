#!/usr/bin/env bash
# Builds the sample app through the `aot` Maven profile (Spring AOT processing), starts it with
# -Dspring.aot.enabled=true against its embedded demo provider, and proves that /api/chat streams a reply.
# Usage (from anywhere): echo-llm-sample-app/src/test/aot-smoke.sh   Extra Maven flags: MAVEN_ARGS="-o".
set -euo pipefail

root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
work="$(mktemp -d)"
pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# Reactor build of the sample app and what it needs; never `install` (other builds share ~/.m2).
./mvnw -B -q ${MAVEN_ARGS:-} -Paot -pl echo-llm-sample-app -am package -DskipTests

aot="echo-llm-sample-app/target/spring-aot/main"
test -n "$(find "$aot/sources" -name '*__BeanDefinitions.java' -print -quit)" \
	|| { echo "AOT processing generated no bean definitions under $aot/sources" >&2; exit 1; }
# The starter's RuntimeHintsRegistrar reached the generated native-image metadata.
grep -rqs 'io.echo.llm.chat.ChatCompletionChunk' "$aot/resources/META-INF/native-image" \
	|| { echo "No reflection hints for the wire records in $aot/resources/META-INF/native-image" >&2; exit 1; }

jar="$(ls echo-llm-sample-app/target/echo-llm-sample-app-*.jar | grep -v -- '-plain\|\.original' | head -1)"
java -Dspring.aot.enabled=true -jar "$jar" --server.port=0 --server.address=127.0.0.1 \
	--echo.demo.token-delay=5ms >"$work/app.log" 2>&1 &
pid=$!

port=""
for _ in $(seq 1 120); do
	port="$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$work/app.log" | head -1)"
	[[ -n "$port" ]] && break
	kill -0 "$pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "The app exited during start-up" >&2; exit 1; }
	sleep 0.5
done
[[ -n "$port" ]] || { cat "$work/app.log" >&2; echo "The app did not start within 60 s" >&2; exit 1; }
grep -q 'Starting AOT-processed' "$work/app.log" \
	|| { cat "$work/app.log" >&2; echo "The app did not run the AOT-processed bean definitions" >&2; exit 1; }

curl -sS -N --max-time 30 -H 'Content-Type: application/json' \
	-d '{"messages":[{"role":"user","content":"Hello from the AOT smoke test"}]}' \
	"http://127.0.0.1:$port/api/chat" >"$work/reply.txt"

grep -q '^event: token' "$work/reply.txt" \
	|| { cat "$work/reply.txt" >&2; echo "No token event in the reply" >&2; exit 1; }
grep -q '^event: done' "$work/reply.txt" \
	|| { cat "$work/reply.txt" >&2; echo "The reply did not finish with a done event" >&2; exit 1; }
echo "AOT smoke test passed: $(grep -c '^event: token' "$work/reply.txt") token events from the AOT-processed app on port $port"
