#!/usr/bin/env bash
# Runs the benchmark of issue 11 and writes the results (docs/benchmarks.md explains them):
# the example server as 1, 2 and 3 nodes of one chat through Redis (chatroom-redis).
#   1. builds chatroom-bench and chatroom-examples (and what they need) with Maven;
#   2. takes redis-server from PATH, or else extracts the one inside the embedded-redis jar of
#      the local Maven repository (the tests' Redis) into $OUT;
#   3. runs the example server alone without Redis (the reference), then for each N of NODES
#      starts a fresh Redis on a free loopback port (no snapshots, append-only file fsynced
#      every second) and N example servers on Jetty, each its own JVM with a 512 MiB heap, the
#      rate limit lifted and no metrics endpoint, with --redis and --node-id nK; and runs the
#      load generator's rooms and fan-out scenarios with the clients spread over the N nodes
#      (every room has members on every node; the rooms' senders are spread too);
#   4. prints the tables (also in $OUT/tables.md), and fails if any run lost a message.
#
# Environment: DURATION (seconds measured per scenario, default 10), WARMUP (default 3),
# NODES (default "1 2 3"), REFERENCE (default 1: also run one node without Redis),
# OUT (default chatroom-bench/target/cluster-results), SKIP_BUILD=1,
# REDIS_SERVER (a redis-server binary to use; the one in embedded-redis is for Linux on x86-64),
# MAVEN_REPO (default ~/.m2/repository),
# PORT (first port tried, default 18180).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/chatroom-bench
SERVER_JAR=$ROOT/chatroom-examples/target/chatroom-server.jar
OUT=${OUT:-$BENCH/target/cluster-results}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
NODES=${NODES:-"1 2 3"}
REFERENCE=${REFERENCE:-1}
SERVER_HEAP=${SERVER_HEAP:-512m}
LOADGEN="java -Xms1g -Xmx1g -jar $BENCH/target/chatroom-loadgen.jar"
PORT=${PORT:-18180}
EMBEDDED_REDIS_BINARY=redis-server-6.2.6-v5-linux-amd64

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  (cd "$ROOT" && mvn -B -q -pl chatroom-bench,chatroom-examples -am package -DskipTests)
fi
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
  echo "memory: $(free -m | awk '/Mem:/ {print $2 " MiB"}')"
  echo "kernel: $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "load average before: $(loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# --- Redis: from PATH, or the binary the tests use -------------------------------------------
if [ -z "${REDIS_SERVER:-}" ]; then
  if command -v redis-server > /dev/null; then
    REDIS_SERVER=$(command -v redis-server)
  else
    repo=${MAVEN_REPO:-$HOME/.m2/repository}
    jar=$(ls "$repo"/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar 2>/dev/null | sort -V | tail -1)
    if [ -z "$jar" ]; then
      echo "no redis-server on PATH and no com.github.codemonstur:embedded-redis in $repo" \
           "(build chatroom-redis's tests once, or set REDIS_SERVER)" >&2
      exit 1
    fi
    (cd "$OUT" && jar xf "$jar" "$EMBEDDED_REDIS_BINARY" && mv "$EMBEDDED_REDIS_BINARY" redis-server)
    REDIS_SERVER=$OUT/redis-server
    chmod +x "$REDIS_SERVER"
  fi
fi
echo "redis: $("$REDIS_SERVER" --version)" | tee -a "$OUT/machine.txt"

# --- processes --------------------------------------------------------------------------------
STARTED=()
stop_all() { # the last started first: the nodes say goodbye to Redis before it stops
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    kill "${STARTED[i]}" 2>/dev/null || true
    wait "${STARTED[i]}" 2>/dev/null || true
  done
  STARTED=()
}
trap stop_all EXIT

# The next port from $PORT on that nothing listens on.
free_port() {
  PORT=$((PORT + 1))
  while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
}

wait_for_line() { # FILE TEXT PID
  for _ in $(seq 1 300); do
    if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "no '$2' in $1:" >&2
  tail -20 "$1" >&2
  return 1
}

start_redis() { # NAME; sets REDIS_PORT, REDIS_PID
  local dir=$OUT/$1
  rm -rf "$dir" && mkdir -p "$dir"
  free_port
  REDIS_PORT=$PORT
  "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly yes \
      --appendfsync everysec --daemonize no --protected-mode no --logfile "" > "$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  STARTED+=("$REDIS_PID")
  wait_for_line "$dir/redis.log" "Ready to accept connections" "$REDIS_PID"
}

start_node() { # LOG [FLAGS...]; appends to URLS and PIDS
  local log=$1
  shift
  free_port
  java -Xmx"$SERVER_HEAP" -jar "$SERVER_JAR" --transport jetty --host 127.0.0.1 --port "$PORT" \
      --metrics-port -1 --rate-burst 1000000 --rate-per-second 1000000 "$@" > "$log" 2>&1 &
  local pid=$!
  STARTED+=("$pid")
  PIDS+=("$pid")
  URLS+=(--url "ws://127.0.0.1:$PORT/ws")
  wait_for_line "$log" "Chat server ready" "$pid"
}

scenario() { # NAME SETUP NODES ARGS...: one JSON line into $RESULTS, with the setup and the load average
  local name=$1 setup=$2 nodes=$3
  shift 3
  local before line pids=()
  for p in "${PIDS[@]}"; do pids+=(--server-pid "$p"); done
  echo "== $setup: $name" >&2
  before=$(loadavg)
  line=$($LOADGEN "$name" "${URLS[@]}" "${pids[@]}" --label "$setup" --duration "$DURATION" --warmup "$WARMUP" \
      "$@" 2>>"$OUT/$setup.loadgen.log")
  echo "${line%\}},\"setup\":\"$setup\",\"nodes\":$nodes,\"loadBefore\":\"$before\",\"loadAfter\":\"$(loadavg)\"}" \
      | tee -a "$RESULTS"
  echo "   load average after: $(loadavg); busiest processes:" \
       "$(ps -eo pcpu,comm --sort=-pcpu | sed -n 2,4p | xargs)" >&2
}

# Redis's own account (INFO commandstats and cpu: calls and microseconds per command), with an
# inline command on a plain TCP connection, as there may be no redis-cli.
redis_info() { # PORT FILE
  { exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'INFO commandstats\r\nINFO cpu\r\nQUIT\r\n' >&3
    tr -d '\r' <&3
    exec 3<&-; } > "$2" 2>&1 || true
}

run_setup() { # SETUP NODES
  scenario rooms "$1" "$2" --rooms 100 --per-room 10 --rate 20
  if [ -n "${REDIS_PORT:-}" ]; then redis_info "$REDIS_PORT" "$OUT/$1/info-after-rooms.txt"; fi
  scenario fanout "$1" "$2" --clients 300 --window 16
  if [ -n "${REDIS_PORT:-}" ]; then redis_info "$REDIS_PORT" "$OUT/$1/info-after-fanout.txt"; fi
  stop_all
}

if [ "$REFERENCE" = 1 ]; then
  URLS=() PIDS=() REDIS_PORT=
  start_node "$OUT/reference.server.log"
  run_setup reference 1
fi
for n in $NODES; do
  URLS=() PIDS=()
  start_redis "redis-$n"
  PIDS+=("$REDIS_PID")   # --server-pid: the CPU of the nodes and Redis together
  for k in $(seq 1 "$n"); do
    start_node "$OUT/redis-$n.n$k.server.log" --redis "redis://127.0.0.1:$REDIS_PORT" --node-id "n$k"
  done
  run_setup "redis-$n" "$n"
done
echo "load average after: $(loadavg)" | tee -a "$OUT/machine.txt"

# --- tables -----------------------------------------------------------------------------------
field() { # JSON KEY: a number or string value of the one-line JSON object
  sed -E 's/.*"'"$2"'":"?([^",}]*)"?[,}].*/\1/' <<< "$1"
}
cells() { # JSON KEY...: the values as table cells
  local json=$1 out=""
  shift
  for k in "$@"; do out+=" $(field "$json" "$k") |"; done
  echo "$out"
}
setup_name() { # JSON
  case $(field "$1" setup) in
    reference) echo "1 node, no Redis" ;;
    redis-1) echo "1 node + Redis" ;;
    *) echo "$(field "$1" nodes) nodes + Redis" ;;
  esac
}
{
  echo "### Rooms: 100 rooms x 10 clients, 20 messages/s per room"
  echo
  echo "| setup | messages/s | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | foreign | nodes+Redis CPU | loadgen CPU | other CPU | load avg before / after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  grep '"scenario":"rooms"' "$RESULTS" | while read -r r; do
    echo "| $(setup_name "$r") |$(cells "$r" messagesPerSec deliveriesPerSec p50Ms p99Ms p999Ms maxMs lost foreign \
        serverCpuCores loadgenCpuCores otherCpuCores) $(field "$r" loadBefore | cut -d' ' -f1) / $(field "$r" loadAfter | cut -d' ' -f1) |"
  done
  echo
  echo "### Fan-out: 1 room x 300 clients, one sender, at most 16 messages in flight"
  echo
  echo "| setup | messages/s | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | evictions | nodes+Redis CPU | loadgen CPU | other CPU | load avg before / after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  grep '"scenario":"fanout"' "$RESULTS" | while read -r r; do
    echo "| $(setup_name "$r") |$(cells "$r" messagesPerSec deliveriesPerSec p50Ms p99Ms p999Ms maxMs lost evictions \
        serverCpuCores loadgenCpuCores otherCpuCores) $(field "$r" loadBefore | cut -d' ' -f1) / $(field "$r" loadAfter | cut -d' ' -f1) |"
  done
} | tee "$OUT/tables.md"

# A message whose append to Redis failed (such as a command timeout) is logged and not delivered.
for log in "$OUT"/*.server.log; do
  warnings=$(grep -c ' WARN \| ERROR ' "$log" || true)
  if [ "$warnings" != 0 ]; then
    echo "$(basename "$log"): $warnings warnings, $(grep -c 'not stored' "$log" || true) messages not stored" >&2
  fi
done
lost=$(grep -c -v -E '"lost":0,' "$RESULTS" || true)
runs=$(wc -l < "$RESULTS")
if [ "$lost" != 0 ] || [ "$runs" = 0 ]; then
  echo "FAILED: $lost of $runs runs lost messages (or nothing ran); see $RESULTS" >&2
  exit 1
fi
echo "lost: 0 in all $runs runs"
