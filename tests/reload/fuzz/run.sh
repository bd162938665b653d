#!/bin/sh
# A bounded, reproducible libFuzzer run for ctest:
#   run.sh HARNESS SEED_DIR SCRATCH_DIR RUNS
# New inputs go to SCRATCH_DIR (in the build tree); the committed seeds in
# SEED_DIR are only read. A crash leaves crash-* in the current directory
# and fails the test. To grow the committed corpus, run the harness by hand
# with SEED_DIR first and commit what is worth keeping.
set -eu
bin=$1 seeds=$2 scratch=$3 runs=$4
rm -rf "$scratch"
mkdir -p "$scratch"
exec "$bin" -runs="$runs" -seed=1 -max_total_time=20 -max_len=4096 -print_final_stats=1 "$scratch" "$seeds"
