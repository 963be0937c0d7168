#!/usr/bin/env bash
# Runs every benchmark of issue 5 and writes the results (docs/benchmarks.md explains them):
#   1. builds chatroom-bench (and what it needs) with Maven;
#   2. starts each server in turn on loopback -- the thinnest baseline and the library, on
#      Jetty 12 and on Java-WebSocket, each with a 512 MiB heap -- and runs the load
#      generator's scenarios against it: idle (10,000 connections), fan-out, rooms, churn;
#   3. measures the core's own heap per idle connection, and runs the JMH benchmarks with
#      the gc profiler;
#   4. prints the tables (also in $OUT/tables.md).
#
# Environment: DURATION (seconds measured per scenario, default 15), WARMUP (default 8),
# ROUNDS (default 1: how often every server runs every scenario; the tables show the best
# round, the one other processes on the machine disturbed least),
# OUT (default chatroom-bench/target/results), SERVER_HEAP (default 512m), SERVER_JVM_FLAGS
# (more flags for every server, default none), SKIP_BUILD=1, SKIP_JMH=1, SKIP_SERVERS=1,
# SERVERS (default "baseline-jetty library-jetty baseline-java-websocket library-java-websocket"),
# SCENARIOS (default "connect connect-warm idle fanout rooms churn"; connect-warm is the same
# 2,000 connects again on the server the first batch warmed up),
# JMH_ARGS (default: the annotations' 1 fork, 3 x 2 s warm-up, 5 x 2 s measurement).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/chatroom-bench
OUT=${OUT:-$BENCH/target/results}
DURATION=${DURATION:-15}
# 8 s: the load generator is a fresh JVM per scenario, and its first seconds (compiling its
# own Netty paths on the same two cores) showed p99 of 50-150 ms that were the load
# generator's, not the server's.
WARMUP=${WARMUP:-8}
SERVERS=${SERVERS:-"baseline-jetty library-jetty baseline-java-websocket library-java-websocket"}
SERVER_HEAP=${SERVER_HEAP:-512m}
# More JVM flags for every server (baselines too), such as the ones README recommends.
SERVER_JVM_FLAGS=${SERVER_JVM_FLAGS:-}
ROUNDS=${ROUNDS:-1}
# Which scenarios each server runs, in this order (connect must come first: it measures a fresh server).
SCENARIOS=${SCENARIOS:-"connect connect-warm idle fanout rooms churn"}
LOADGEN="java -Xms1g -Xmx1g -jar $BENCH/target/chatroom-loadgen.jar"
PORT=${PORT:-18080}

# 10,000 connections need 10,000 descriptors in the server and as many in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10500 ]; then
  echo "warning: ulimit -n is $(ulimit -n); the idle scenario needs about 10,100" >&2
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && mvn -B -q -pl chatroom-bench -am package -DskipTests)
fi
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MiB"}')"
  echo "kernel: $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# A server name may start with a revision label given by compare-revisions.sh, such as
# before-library-jetty: that server runs from $OUT/before.jar instead of this tree's jar.
server_command() {
  local jar=$BENCH/target/chatroom-loadgen.jar name=$1
  case $name in
    baseline-*|library-*) ;;
    *-baseline-*|*-library-*)
      local label=${name%%-baseline-*}
      label=${label%%-library-*}
      jar=$OUT/$label.jar
      name=${name#"$label"-} ;;
  esac
  case $name in
    baseline-*) echo "java -Xmx$SERVER_HEAP $SERVER_JVM_FLAGS -cp $jar io.chatroom.bench.baseline.Baseline --transport ${name#baseline-}" ;;
    library-*)  echo "java -Xmx$SERVER_HEAP $SERVER_JVM_FLAGS -cp $jar io.chatroom.bench.server.LibraryServer --transport ${name#library-}" ;;
    *) echo "unknown server $1" >&2; exit 2 ;;
  esac
}

wait_for_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

scenario() { # NAME SERVER PID ARGS...
  local name=$1 server=$2 pid=$3
  shift 3
  echo "== $server: $name" >&2
  $LOADGEN "$name" --url "ws://127.0.0.1:$PORT/ws" --label "$server" --server-pid "$pid" \
      --duration "$DURATION" --warmup "$WARMUP" "$@" 2>>"$OUT/$server.loadgen.log" | tee -a "$RESULTS"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg); busiest processes:" \
       "$(ps -eo pcpu,comm --sort=-pcpu | sed -n 2,4p | xargs)" >&2
}

if [ "${SKIP_SERVERS:-0}" != 1 ]; then
  for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    echo "== round $round of $ROUNDS: $server" >&2
    PORT=$((PORT + 1))
    # A port that something still listens on would measure that something: skip it.
    while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
    # shellcheck disable=SC2046
    $(server_command "$server") --port "$PORT" > "$OUT/$server.server.log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    wait_for_port "$PORT"
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$server did not start; see $OUT/$server.server.log" >&2
      exit 1
    fi
    # 2,000 connects (64 at a time) on the fresh server: how long they take, and the server's
    # threads and RSS once connected and after 10 s of idleness.
    for s in $SCENARIOS; do
      case $s in
        connect) scenario idle "$server" "$pid" --connections 2000 --per-room 10 --connect-concurrency 64 --report-as connect ;;
        connect-warm) scenario idle "$server" "$pid" --connections 2000 --per-room 10 --connect-concurrency 64 --report-as connect-warm ;;
        idle)    scenario idle "$server" "$pid" --connections 10000 --per-room 10 ;;
        fanout)  scenario fanout "$server" "$pid" --clients 500 --window 16 ;;
        rooms)   scenario rooms "$server" "$pid" --rooms 100 --per-room 10 --rate 20 ;;
        churn)   scenario churn "$server" "$pid" --rooms 100 --per-room 10 --rate 20 --churners 32 ;;
        *) echo "unknown scenario $s" >&2; exit 2 ;;
      esac
    done
    kill "$pid" 2>/dev/null || echo "$server had stopped by itself; see $OUT/$server.server.log" >&2
    wait "$pid" 2>/dev/null || true
    trap - EXIT
  done
  done
fi

echo "== core footprint" >&2
for mode in text json; do
  java -Xmx1g -cp "$BENCH/target/chatroom-loadgen.jar" io.chatroom.bench.footprint.CoreFootprint 10000 "$mode" \
      2>>"$OUT/footprint.log" | tee -a "$RESULTS"
done

if [ "${SKIP_JMH:-0}" != 1 ]; then
  echo "== JMH" >&2
  # shellcheck disable=SC2086
  java -jar "$BENCH/target/chatroom-jmh.jar" -prof gc -rf json -rff "$OUT/jmh.json" ${JMH_ARGS:-} \
      > "$OUT/jmh.log" 2>&1
  grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)' "$OUT/jmh.log" | grep -Ev 'gc\.(count|time)|alloc\.rate ' || true
fi

java -cp "$BENCH/target/chatroom-loadgen.jar" io.chatroom.bench.loadgen.Report "$RESULTS" "$OUT/jmh.json" \
    | tee "$OUT/tables.md"
if grep -q '"label":"before-' "$RESULTS"; then
  java -cp "$BENCH/target/chatroom-loadgen.jar" io.chatroom.bench.loadgen.CompareReport "$RESULTS" \
      | tee "$OUT/compare.md"
fi
