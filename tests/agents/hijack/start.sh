#!/bin/bash
# Submit, and write who the agent runs as and with which capabilities to $LOGS_DIR/identity.txt.
set -euo pipefail
mkdir -p "$SUBMISSION_DIR" "$LOGS_DIR"
cp /home/data/sample_submission.csv "$SUBMISSION_DIR/submission.csv"
{ echo "uid $(id -u)"; echo "gid $(id -g)"; grep -E '^(CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status; } > "$LOGS_DIR/identity.txt"
