#!/bin/bash
# Runs the test's script from the public data (see config.yaml).
set -euo pipefail
exec bash /home/data/agent.sh "$@"
