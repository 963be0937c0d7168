#!/usr/bin/env bash
# CPU flame graphs of a load generator scenario, the fan-out by default (issue 13): for each LABEL=JAR given, and each
# transport, starts that jar's LibraryServer under async-profiler (CPU samples every
# millisecond, kernel frames included, so that time in socket writes shows), runs
# `fanout --clients 500 --window 16` against it, stops it, and writes an HTML flame graph,
# the collapsed stacks, and the heaviest frames and threads as text.
#
#   chatroom-bench/profile-fanout.sh before=OUT/before.jar after=OUT/after.jar
#
# With no argument, profiles this tree's jar as "current". async-profiler and its converter
# come from Maven (tools.profiler:async-profiler and :jfr-converter); the profiler needs
# perf events (kernel.perf_event_paranoid 2 or less) and Linux on x86-64. Environment: OUT
# (default chatroom-bench/target/profiles), DURATION (default 10), WARMUP (default 3),
# TRANSPORTS (default "jetty java-websocket"), SCENARIO (default fanout; also rooms, churn, or
# connect: 2,000 connects 64 at a time on the fresh server). Output: $OUT/SCENARIO-LABEL-TRANSPORT.*.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/chatroom-bench
OUT=${OUT:-$BENCH/target/profiles}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
TRANSPORTS=${TRANSPORTS:-"jetty java-websocket"}
SCENARIO=${SCENARIO:-fanout}
case $SCENARIO in
  fanout)  LOAD=(fanout --clients 500 --window 16) ;;
  rooms)   LOAD=(rooms --rooms 100 --per-room 10 --rate 20) ;;
  churn)   LOAD=(churn --rooms 100 --per-room 10 --rate 20 --churners 32) ;;
  connect) LOAD=(idle --connections 2000 --per-room 10 --connect-concurrency 64 --report-as connect) ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
PROFILER_VERSION=4.2
PORT=${PORT:-18480}
mkdir -p "$OUT"

if [ ! -f "$BENCH/target/chatroom-loadgen.jar" ]; then
  (cd "$ROOT" && mvn -B -q -pl chatroom-bench -am package -DskipTests)
fi
for artifact in async-profiler jfr-converter; do
  if [ ! -f "$OUT/$artifact.jar" ]; then
    mvn -B -q dependency:copy -Dartifact="tools.profiler:$artifact:$PROFILER_VERSION" \
        -DoutputDirectory="$OUT" -Dmdep.stripVersion=true
  fi
done
AGENT=$OUT/linux-x64/libasyncProfiler.so
[ -f "$AGENT" ] || (cd "$OUT" && unzip -q -o async-profiler.jar 'linux-x64/*')

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("current=$BENCH/target/chatroom-loadgen.jar")

for target in "${targets[@]}"; do
  label=${target%%=*}
  jar=${target#*=}
  for transport in $TRANSPORTS; do
    name=$SCENARIO-$label-$transport
    PORT=$((PORT + 1))
    java -Xmx512m -agentpath:"$AGENT"=start,event=cpu,interval=1ms,file="$OUT/$name.collapsed" \
        -cp "$jar" io.chatroom.bench.server.LibraryServer --transport "$transport" --port "$PORT" \
        > "$OUT/$name.server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    java -Xms1g -Xmx1g -jar "$BENCH/target/chatroom-loadgen.jar" "${LOAD[@]}" --url "ws://127.0.0.1:$PORT/ws" \
        --label "$label-$transport" --server-pid "$pid" \
        --duration "$DURATION" --warmup "$WARMUP" 2>>"$OUT/$name.loadgen.log" | tee "$OUT/$name.json"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    java -jar "$OUT/jfr-converter.jar" --title "$SCENARIO, $label, $transport (CPU)" \
        "$OUT/$name.collapsed" "$OUT/$name.html" >/dev/null
    {
      echo "# $name: share of CPU samples"
      echo "## threads (first frame: the thread's name is not recorded; its entry point is)"
      awk '{n=$NF; total+=n; split($1, f, ";"); k=f[1]; for (i=2; i<=length(f) && i<=6; i++) if (f[i] ~ /(Runner|Mailbox|SelectorManager|ManagedSelector|WebSocketServer|WebSocketWorker|EventLoop)/) k=f[i]; t[k]+=n}
           END {for (k in t) printf "%5.1f%%  %s\n", 100*t[k]/total, k}' "$OUT/$name.collapsed" | sort -rn | sed -n 1,8p
      echo "## kind of work (a stack counts once, as the first kind it matches, in this order)"
      awk '{n=$NF; total+=n; k="other"
            if ($0 ~ /CompileBroker|C2Compiler|Compiler::compile|C1_/) k="JIT compiler"
            else if ($0 ~ /G1|GangWorker|WorkerThread|ConcurrentGCThread|GCTask/) k="garbage collector"
            else if ($0 ~ /ClassLoader|defineClass|loadClass|SystemDictionary|ClassFileParser|InterpreterRuntime|link_class|LinkResolver/) k="class loading and linking"
            else if ($0 ~ /LibraryServer.main/) k="server start-up"
            else if ($0 ~ /io\/chatroom/) k="Java code under a chatroom frame"
            else if ($0 ~ /jetty|java_websocket/) k="transport code alone"
            t[k]+=n}
           END {for (k in t) printf "%5.1f%%  %s\n", 100*t[k]/total, k}' "$OUT/$name.collapsed" | sort -rn
      echo "## frames on top of the stack"
      awk '{n=$NF; total+=n; sub(/ [0-9]+$/, ""); c=split($0, f, ";"); self[f[c]]+=n}
           END {for (t in self) printf "%5.1f%%  %s\n", 100*self[t]/total, t}' "$OUT/$name.collapsed" \
          | sort -rn | sed -n 1,25p
    } > "$OUT/$name.txt"
    echo "== $name: $OUT/$name.html" >&2
  done
done
