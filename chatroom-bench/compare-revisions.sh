#!/usr/bin/env bash
# Compares the library at two revisions under the same load, in alternating rounds on one
# machine in one sitting (how issue 13's before/after figures are taken):
#
#   chatroom-bench/compare-revisions.sh BEFORE [AFTER]      # git revisions; AFTER defaults to HEAD
#
# Builds chatroom-bench at each revision (in git worktrees under $OUT/src), then runs
# run-benchmarks.sh with the servers baseline-jetty (this tree's), before-library-jetty,
# after-library-jetty, and the same three on Java-WebSocket, ROUNDS times (default 2) in that
# order, all driven by the load generator of this tree. Same environment as run-benchmarks.sh
# (DURATION, WARMUP, OUT, SKIP_JMH defaults to 1 here). The before/after table, medians of
# the rounds with issue 13's targets marked, is $OUT/compare.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEFORE=${1:?usage: compare-revisions.sh BEFORE [AFTER]}
AFTER=${2:-HEAD}
export OUT=${OUT:-$ROOT/chatroom-bench/target/compare}
mkdir -p "$OUT/src"

for pair in "before:$BEFORE" "after:$AFTER"; do
  label=${pair%%:*}
  rev=${pair#*:}
  tree=$OUT/src/$label
  if [ ! -d "$tree" ]; then
    git -C "$ROOT" worktree add --detach "$tree" "$rev" >/dev/null
  else
    git -C "$tree" checkout -q --detach "$rev"
  fi
  echo "== building $label ($rev: $(git -C "$tree" log -1 --format=%h\ %s))" >&2
  (cd "$tree" && mvn -B -q -pl chatroom-bench -am package -DskipTests)
  cp "$tree/chatroom-bench/target/chatroom-loadgen.jar" "$OUT/$label.jar"
done

(cd "$ROOT" && mvn -B -q -pl chatroom-bench -am package -DskipTests)
SKIP_BUILD=1 SKIP_JMH=${SKIP_JMH:-1} ROUNDS=${ROUNDS:-2} \
  SERVERS="baseline-jetty before-library-jetty after-library-jetty baseline-java-websocket before-library-java-websocket after-library-java-websocket" \
  "$ROOT/chatroom-bench/run-benchmarks.sh"
echo "worktrees of the two revisions: $OUT/src (git worktree remove them when done)" >&2
