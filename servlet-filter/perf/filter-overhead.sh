#!/usr/bin/env bash
# Filter overhead under a bounded loopback load: the same Jetty 12 serving a trivial servlet, without and
# with StickyRouteFilter in front (FilterOverheadServer in the test tree), measured with wrk in A B B A order
# so that background load hits both sides alike. Not part of `mvn verify`. B_MODE=--noop-filter measures
# Jetty's own cost of having a (no-op) filter instead, B_MODE=--wrap-filter that of a no-op filter that
# wraps request and response (as the filter must for a backend with an insert/indirect cookie).
# COUNTERS_AB=1 measures the traffic counters instead: both sides are StickyRouteFilter + StickyProxyServlet
# forwarding to a third Jetty (the trivial servlet) on PORT_C, side A with -Dstickyroute.counters=off ("without"),
# side B with counters on ("with").
#
#   servlet-filter/perf/filter-overhead.sh [DURATION_SECONDS=15] [ROUNDS=6]
#
# Env: THREADS (wrk -t, 2), CONNECTIONS (wrk -c, 64), PATHS (space-separated request-targets to measure,
# default "/project/123/compile /login"; /login is sent with a valid SERVERID cookie, so the filter wraps the
# request and response), HEAP (-Xmx of each server, 512m). Check `uptime` first: measure on a quiet machine.
# Besides wrk's throughput and latency it reports each server's CPU time per request (user+system time of
# the server process over the run / requests served), which other load on the machine disturbs far less.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-15}
ROUNDS=${2:-6}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
PATHS=${PATHS:-"/project/123/compile /login"}
HEAP=${HEAP:-512m}
PORT_A=${PORT_A:-18181}
PORT_B=${PORT_B:-18182}
PORT_C=${PORT_C:-18183}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }

echo "== building the test classpath"
CP_FILE=$(pwd)/servlet-filter/target/perf.classpath
mvn -B -ntp -q -DskipTests test-compile dependency:build-classpath -pl servlet-filter -am \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="servlet-filter/target/test-classes:servlet-filter/target/classes:core/target/classes:$(cat "$CP_FILE")"

pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # port, extra args (JVM options first in JAVA_OPTS)
  java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseParallelGC ${JAVA_OPTS:-} -cp "$CP" org.stickyroute.servlet.perf.FilterOverheadServer --port "$1" "${@:2}" \
    > "servlet-filter/target/perf-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -qx ready "servlet-filter/target/perf-$1.log" 2>/dev/null && return; sleep 0.1; done
  echo "server on $1 did not start" >&2; cat "servlet-filter/target/perf-$1.log" >&2; exit 1
}
if [ "${COUNTERS_AB:-}" = 1 ]; then
  start "$PORT_C"                                   # the proxied server: the trivial servlet
  JAVA_OPTS=-Dstickyroute.counters=off start "$PORT_A" --proxy "$PORT_C"
  PID_A=${pids[1]}
  start "$PORT_B" --proxy "$PORT_C"
  PID_B=${pids[2]}
else
  start "$PORT_A"
  PID_A=${pids[0]}
  start "$PORT_B" ${B_MODE:---filter}
  PID_B=${pids[1]}
fi
TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # port pid path seconds -> "rps p50 p99 cpu-us-per-request"
  local hdr=()
  [ "$3" = "/login" ] && hdr=(-H "Cookie: SERVERID=s2; lang=en")
  local t0; t0=$(cpu_ticks "$2")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4"s --latency "${hdr[@]}" "http://127.0.0.1:$1$3" > servlet-filter/target/perf-wrk.txt
  local t1; t1=$(cpu_ticks "$2")
  local rps p50 p99 reqs
  rps=$(awk '/Requests\/sec/ {print $2}' servlet-filter/target/perf-wrk.txt)
  p50=$(awk '$1=="50%" {print $2}' servlet-filter/target/perf-wrk.txt)
  p99=$(awk '$1=="99%" {print $2}' servlet-filter/target/perf-wrk.txt)
  reqs=$(awk '/requests in/ {print $1}' servlet-filter/target/perf-wrk.txt)
  if grep -q "Non-2xx" servlet-filter/target/perf-wrk.txt; then echo "non-2xx answers:" >&2; cat servlet-filter/target/perf-wrk.txt >&2; exit 1; fi
  echo "$rps $p50 $p99 $(echo "($t1 - $t0) * 1000000 / $TICK / $reqs" | bc -l | xargs printf '%.1f')"
}

echo "== load before: $(uptime)"
echo "== warm-up (JIT), 5 s per side and path"
for path in $PATHS; do run "$PORT_A" "$PID_A" "$path" 5 >/dev/null; run "$PORT_B" "$PID_B" "$path" 5 >/dev/null; done

# Every round measures both sides back to back (A B, then B A); the ratio of each pair is little affected by
# load that changes over minutes, and the median over the rounds drops the pairs that other work disturbed.
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.4f\n", (v[NR/2]+v[NR/2+1])/2}'; }
printf "\n%-22s %5s %-8s %12s %10s %10s %14s\n" "path" "round" "filter" "req/s" "p50" "p99" "server CPU/req"
for path in $PATHS; do
  : > servlet-filter/target/perf-pairs.txt
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for side in $order; do
      if [ "$side" = A ]; then
        read -r rps_a p50 p99 cpu_a <<<"$(run "$PORT_A" "$PID_A" "$path" "$DURATION")"
        printf "%-22s %5s %-8s %12s %10s %10s %11s us\n" "$path" "$r" "without" "$rps_a" "$p50" "$p99" "$cpu_a"
      else
        read -r rps_b p50 p99 cpu_b <<<"$(run "$PORT_B" "$PID_B" "$path" "$DURATION")"
        printf "%-22s %5s %-8s %12s %10s %10s %11s us\n" "$path" "$r" "with" "$rps_b" "$p50" "$p99" "$cpu_b"
      fi
    done
    echo "$rps_a $rps_b $cpu_a $cpu_b" >> servlet-filter/target/perf-pairs.txt
  done
  tput_ratio=$(awk '{printf "%.4f\n", $2/$1}' servlet-filter/target/perf-pairs.txt | median)
  cpu_ratio=$(awk '{printf "%.4f\n", $4/$3}' servlet-filter/target/perf-pairs.txt | median)
  med_a=$(awk '{print $1}' servlet-filter/target/perf-pairs.txt | median)
  med_b=$(awk '{print $2}' servlet-filter/target/perf-pairs.txt | median)
  tput_range=$(awk '{printf "%.4f\n", $2/$1}' servlet-filter/target/perf-pairs.txt | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo ".." hi}')
  printf "%-22s median req/s without %s, with %s; median of %d paired ratios: throughput %s (range %s), server CPU/req %s\n\n" \
    "$path" "$med_a" "$med_b" "$ROUNDS" "$tput_ratio" "$tput_range" "$cpu_ratio"
done
echo "== load after: $(uptime)"
