#!/bin/bash
# AIDE on one competition. Runs as `nonroot` in /home with the config's kwargs as arguments
# (omegaconf: key=value). run_aide.py assembles the instructions, runs AIDE within
# TIME_LIMIT_SECS and copies its best submission, code and logs to the benchmark's folders.
set -uo pipefail
cd "${AGENT_DIR}"
eval "$(conda shell.bash hook)"
conda activate agent
python -u "${AGENT_DIR}/run_aide.py" "$@" 2>&1 | tee "${LOGS_DIR}/agent.log"
exit "${PIPESTATUS[0]}"
