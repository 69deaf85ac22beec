#!/usr/bin/env bash
# Builds the shaded benchmark jar and runs the whole benchmark set, then the spread/stability report.
#
#   benchmarks/run.sh                      # every JMH benchmark in the jar, -f 2 -wi 3 -i 5 (1 s each)
#   benchmarks/run.sh -f 1 -wi 1 -i 2      # a quick look (JMH options replace the defaults)
#   benchmarks/run.sh 'UriBench' -p servers=100
#
# Results: benchmarks/results/benchmarks.json (JMH's JSON) and benchmarks/results/benchmarks.md (tables and
# the target ratios), then benchmarks/results/spread.md. `-prof gc` is always on. The 2-core machine is
# shared: check `uptime` first and prefer a load average below 1.5; the report records the load it saw.
# With the defaults the JMH part takes about 20 minutes and the spread report about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -DskipTests package -pl benchmarks -am
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$#" -eq 0 ]; then
  set -- -f 2 -wi 3 -i 5 -w 1s -r 1s
fi
java -cp benchmarks/target/benchmarks.jar org.stickyroute.bench.RunAll "$@"
java -cp benchmarks/target/benchmarks.jar org.stickyroute.bench.SpreadReport benchmarks/results/spread.md
