#!/bin/bash
# --mode sleep: submit the sample submission, then sleep far past any test's time limit.
# --mode wait:  submit, then wait until $CODE_DIR/release exists (the test creates it).
# --mode flaky: submit and succeed on spaceship-titanic, fail (status 3) elsewhere.
# --mode texts: submit, and copy what the agent reads (instructions, description, $OBFUSCATE) to $LOGS_DIR.
set -euo pipefail
mode="${2:?usage: start.sh --mode sleep|wait|flaky|texts}"
cp /home/data/sample_submission.csv "$SUBMISSION_DIR/submission.csv"
echo "probe $mode on $COMPETITION_ID as $(id -un)"
case "$mode" in
  sleep) echo partial > "$LOGS_DIR/progress.txt"; sleep 600 ;;
  wait) for _ in $(seq 600); do [ -e "$CODE_DIR/release" ] && exit 0; sleep 0.5; done; exit 4 ;;
  texts) cp /home/instructions.txt /home/data/description.md "$LOGS_DIR/"; echo "${OBFUSCATE:-unset}" > "$LOGS_DIR/obfuscate.txt" ;;
  flaky) [ "$COMPETITION_ID" = spaceship-titanic ] || { echo "failing on purpose"; exit 3; } ;;
esac
