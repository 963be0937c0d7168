#!/usr/bin/env bash
# Measures what a durable store costs a hub (issue 10): stored messages per second under a
# flood, and the latency a store adds from a message entering the hub to its first delivery,
# for the in-memory store, an H2 file and PostgreSQL (started by the test fixture TestPostgres
# from the binaries in Maven; nothing to install). Prints one markdown table row per store.
#   chatroom-jdbc/run-store-benchmark.sh [seconds=10] [rooms=50] [rate=2000] [stores=memory,h2,postgres]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mvn -B -q -pl chatroom-jdbc -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="chatroom-jdbc/target/test-classes:chatroom-jdbc/target/classes:$(cat chatroom-jdbc/target/bench.classpath)"
echo "machine: $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
exec java -Xmx1g -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn io.chatroom.jdbc.StoreBenchmark "$@"
