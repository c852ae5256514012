#!/bin/bash
# Runs as the unprivileged `nonroot` user, in /home, with COMPETITION_ID set.
set -euo pipefail
python3 -u "${AGENT_DIR}/main.py" 2>&1 | tee "${LOGS_DIR}/agent.log"
