#!/bin/bash
# Entry point of every agent container: runs as root, prepares /home, then runs the
# agent's command as the unprivileged `nonroot` user.
set -euo pipefail
mkdir -p "${SUBMISSION_DIR:-/home/submission}" "${LOGS_DIR:-/home/logs}" "${CODE_DIR:-/home/code}" "${AGENT_DIR:-/home/agent}"
# The obfuscation experiment (the reference's OBFUSCATE=true): the agent reads the obfuscated
# instructions at the usual path (the harness mounts the obfuscated description likewise).
if [ "${OBFUSCATE:-}" = "true" ] && [ -f /home/instructions_obfuscated.txt ]; then
  cp /home/instructions_obfuscated.txt /home/instructions.txt
fi
# Done at start time (not build time) so files that agent images add under /home are covered
# too; /home/data is a read-only mount and is left alone.
find /home -path /home/data -prune -o -exec chmod a+rwX {} +
cd /home
if [ "$#" -eq 0 ]; then
  set -- bash
fi
exec setpriv --reuid=nonroot --regid=nonroot --init-groups \
  env HOME=/home/nonroot USER=nonroot LOGNAME=nonroot "$@"
