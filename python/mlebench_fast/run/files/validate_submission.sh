#!/bin/bash
# Ask the benchmark's validation service whether a file is a valid submission.
# Usage: validate_submission.sh FILE   (prints the service's JSON answer; never a score)
set -u
url="http://localhost:5000/validate"
if [ "$#" -ne 1 ]; then
  echo "usage: $0 SUBMISSION_CSV" >&2
  exit 2
fi
if [ ! -f "$1" ]; then
  echo "no such file: $1" >&2
  exit 2
fi
exec curl --silent --show-error --fail-with-body -X POST -F "file=@$1" "$url"
