#!/bin/sh
# The README's main job: the example packet pipeline in the hosted simulator.
set -eu
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
exec ./tessera sim manifest/examples/packet-pipeline.yaml --duration 5s "$@"
