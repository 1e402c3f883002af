#!/usr/bin/env bash
# Instructions of one call of a benchmark task (callgrind; valgrind from Debian's packages):
#   bash bench/instructions.sh feols [units]     (default 20000 units × 10 periods = 2·10⁵ rows)
# Counts do not depend on the machine's load, but node's JIT and GC make them vary between runs
# of the same code (2.4e9 and 3.5e9 for feols here): compare several runs, not one.
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:-feols}; units=${2:-20000}
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null node --import tsx bench/calls.ts "$task" "$1" "$units" 2>&1 | awk '/Collected/ {print $4}'; }
one=$(count 1); six=$(count 6)
echo "$task, $units units × 10 periods: $(( (six - one) / 5 )) instructions per call"
