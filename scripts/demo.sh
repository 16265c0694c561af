#!/usr/bin/env bash
# Builds and runs the demo host (release mode). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
swift build -c release --product manhole-demo
.build/release/manhole-demo "$@"
