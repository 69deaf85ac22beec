#!/usr/bin/env bash
# Spring Cloud Gateway overhead of stickyroute: the same Gateway (two JVMs) routing lb://overleaf to the same three
# Reactor Netty instances (a third JVM), A = Spring's default round-robin load balancer, B = stickyroute with
# examples/overleaf.cfg (frontend incoming_http). Measured with wrk in A B B A order, round after round, as
# servlet-filter/perf/filter-overhead.sh does; the ratio is the median of the per-round B/A throughput ratios.
# Not part of `mvn verify`.
#
#   spring-cloud/perf/gateway-overhead.sh [DURATION_SECONDS=15] [ROUNDS=6]
#
# Env: THREADS (wrk -t, 2), CONNECTIONS (wrk -c, 64), PATHS (default "/project/123/compile /login"; /login is
# sent with a valid SERVERID cookie: stickyroute strips it, and the cookie picks the instance), WARMUP (s, 30), HEAP
# (-Xmx of each Gateway, 512m). Check `uptime` first: measure on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-15}
ROUNDS=${2:-6}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PATHS=${PATHS:-"/project/123/compile /login"}
HEAP=${HEAP:-512m}
PORT_A=${PORT_A:-18281}
PORT_B=${PORT_B:-18282}
INSTANCE_PORTS=${INSTANCE_PORTS:-18291,18292,18293}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
OUT=spring-cloud/target

echo "== building the test classpath"
CP_FILE=$(pwd)/$OUT/perf.classpath
mvn -B -ntp -q -DskipTests test-compile dependency:build-classpath -pl spring-cloud -am \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="spring-cloud/target/test-classes:spring-cloud/target/classes:core/target/classes:$(cat "$CP_FILE")"

pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # log name, args
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseParallelGC -cp "$CP" org.stickyroute.spring.cloud.perf.GatewayOverheadServer "${@:2}" \
    > "$OUT/perf-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1200); do grep -qx ready "$OUT/perf-$1.log" 2>/dev/null && return; sleep 0.1; done
  echo "$1 did not start" >&2; cat "$OUT/perf-$1.log" >&2; exit 1
}
start instances --instances "$INSTANCE_PORTS"
start a --port "$PORT_A" --mode roundrobin --backends "$INSTANCE_PORTS"
PID_A=${pids[1]}
start b --port "$PORT_B" --mode stickyroute --backends "$INSTANCE_PORTS" --config "$(pwd)/examples/overleaf.cfg"
PID_B=${pids[2]}
TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # port pid path seconds -> "rps p50 p99 cpu-us-per-request"
  local hdr=()
  [ "$3" = "/login" ] && hdr=(-H "Cookie: SERVERID=docker-1; lang=en")
  local t0; t0=$(cpu_ticks "$2")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4"s --latency "${hdr[@]}" "http://127.0.0.1:$1$3" > $OUT/perf-wrk.txt
  local t1; t1=$(cpu_ticks "$2")
  local rps p50 p99 reqs
  rps=$(awk '/Requests\/sec/ {print $2}' $OUT/perf-wrk.txt)
  p50=$(awk '$1=="50%" {print $2}' $OUT/perf-wrk.txt)
  p99=$(awk '$1=="99%" {print $2}' $OUT/perf-wrk.txt)
  reqs=$(awk '/requests in/ {print $1}' $OUT/perf-wrk.txt)
  if grep -q "Non-2xx" $OUT/perf-wrk.txt; then echo "non-2xx answers:" >&2; cat $OUT/perf-wrk.txt >&2; exit 1; fi
  echo "$rps $p50 $p99 $(echo "($t1 - $t0) * 1000000 / $TICK / $reqs" | bc -l | xargs printf '%.1f')"
}

echo "== load before: $(uptime)"
echo "== warm-up (JIT), ${WARMUP:-30} s per side and path"
for path in $PATHS; do run "$PORT_A" "$PID_A" "$path" "${WARMUP:-30}" >/dev/null; run "$PORT_B" "$PID_B" "$path" "${WARMUP:-30}" >/dev/null; done

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.4f\n", (v[NR/2]+v[NR/2+1])/2}'; }
printf "\n%-22s %5s %-12s %12s %10s %10s %14s\n" "path" "round" "balancer" "req/s" "p50" "p99" "gateway CPU/req"
for path in $PATHS; do
  : > $OUT/perf-pairs.txt
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for side in $order; do
      if [ "$side" = A ]; then
        read -r rps_a p50 p99 cpu_a <<<"$(run "$PORT_A" "$PID_A" "$path" "$DURATION")"
        printf "%-22s %5s %-12s %12s %10s %10s %11s us\n" "$path" "$r" "round-robin" "$rps_a" "$p50" "$p99" "$cpu_a"
      else
        read -r rps_b p50 p99 cpu_b <<<"$(run "$PORT_B" "$PID_B" "$path" "$DURATION")"
        printf "%-22s %5s %-12s %12s %10s %10s %11s us\n" "$path" "$r" "stickyroute" "$rps_b" "$p50" "$p99" "$cpu_b"
      fi
    done
    echo "$rps_a $rps_b $cpu_a $cpu_b" >> $OUT/perf-pairs.txt
  done
  tput_ratio=$(awk '{printf "%.4f\n", $2/$1}' $OUT/perf-pairs.txt | median)
  cpu_ratio=$(awk '{printf "%.4f\n", $4/$3}' $OUT/perf-pairs.txt | median)
  med_a=$(awk '{print $1}' $OUT/perf-pairs.txt | median)
  med_b=$(awk '{print $2}' $OUT/perf-pairs.txt | median)
  printf "%-22s median req/s round-robin %s, stickyroute %s; median of %d paired ratios: throughput %s, gateway CPU/req %s\n\n" \
    "$path" "$med_a" "$med_b" "$ROUNDS" "$tput_ratio" "$cpu_ratio"
done
echo "== load after: $(uptime)"
