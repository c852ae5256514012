#!/bin/bash
# Entry point of every agent container. `run` starts agent containers as the unprivileged
# `nonroot` user with every capability dropped: the harness sets that itself, whatever an
# image's entry point does. Started as root (a privileged agent, or the image run by hand),
# it prepares /home as root, then drops to `nonroot`.
set -euo pipefail
mkdir -p "${SUBMISSION_DIR:-/home/submission}" "${LOGS_DIR:-/home/logs}" "${CODE_DIR:-/home/code}" "${AGENT_DIR:-/home/agent}"
if [ "$(id -u)" = 0 ]; then
  # Files that agent images add under /home become writable for nonroot (`agents build`
  # does the same in the image, for containers started as nonroot); /home/data is a
  # read-only mount and is left alone.
  find /home -path /home/data -prune -o -exec chmod a+rwX {} +
fi
# The obfuscation experiment (the reference's OBFUSCATE=true): the agent reads the obfuscated
# instructions at the usual path (the harness mounts the obfuscated description likewise).
if [ "${OBFUSCATE:-}" = "true" ] && [ -f /home/instructions_obfuscated.txt ]; then
  cp /home/instructions_obfuscated.txt /home/instructions.txt
fi
cd /home
if [ "$#" -eq 0 ]; then
  set -- bash
fi
if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi
exec setpriv --reuid=nonroot --regid=nonroot --init-groups \
  env HOME=/home/nonroot USER=nonroot LOGNAME=nonroot "$@"
