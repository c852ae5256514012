"""The limits the harness itself enforces on a run, so that a hostile or unlucky agent cannot
exhaust the host through the parts of a run outside its own container: the validator (which
takes its uploads), the copy-out of its outputs and its log. Each is a key of the container
config (read here, never passed to Docker); the agent container's own limits (`pids_limit`,
`mem_limit`, ...) are Docker arguments of the same config.

docs/run.md lists every default; change them here and there together.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MiB = 2**20
GiB = 2**30

# The largest upload the validator takes, unless the config names one: a few times the larger
# of the competition's answers and sample submission (a submission's values may be longer
# than the answers', e.g. probabilities against labels), and never less than the floor.
UPLOAD_FACTOR = 4
UPLOAD_FLOOR = 64 * MiB
# The validator's /tmp holds one request body (one upload at a time) and a little more.
TMP_SLACK = 16 * MiB
# Grading a file takes a few times its size in memory (measured: about 3x for a CSV of narrow
# rows), on top of the Python process; the tmpfs counts against the container's memory too.
VALIDATOR_BASE_MEMORY = 256 * MiB
GRADING_MEMORY_FACTOR = 4
# Threads count against a pids limit: the server's connection threads (capped at
# validator.MAX_CONNECTIONS), the grader's threads (RAYON_NUM_THREADS) and the health probes.
VALIDATOR_PIDS = 128
VALIDATOR_GRADING_THREADS = 4


@dataclass(frozen=True)
class ValidatorLimits:
    max_upload: int  # bytes of one request body
    tmpfs_bytes: int  # size of the validator's /tmp
    mem_bytes: int  # memory (and memory plus swap) of the validator container
    pids: int


@dataclass(frozen=True)
class RunLimits:
    """One run group's limits; the field names are the container config's keys."""

    output_max_bytes: int = 2 * GiB  # per folder copied out (submission, logs, code), files at full size
    output_max_files: int = 10_000  # per folder: files and folders
    log_max_line: int = 64 * 1024  # bytes of one line of the agent's output kept in run.log
    validator_max_upload: int | None = None  # None: from the competition's sizes (above)
    validator_mem_limit: int | None = None  # None: from the upload bound and the answers' size
    validator_pids_limit: int = VALIDATOR_PIDS

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "RunLimits":
        """The limits a container config sets (sizes as bytes or Docker's "20M", "2G"); a
        missing or null key keeps the default. Raises ValueError naming a bad value."""
        values: dict[str, int] = {}
        for key in LIMIT_KEYS:
            raw = config.get(key)
            if raw is None:
                continue
            values[key] = _positive(key, raw, sizes=key not in ("output_max_files", "validator_pids_limit"))
        return cls(**values)

    def for_validator(self, answers_bytes: int, sample_bytes: int) -> ValidatorLimits:
        max_upload = self.validator_max_upload or max(UPLOAD_FLOOR, UPLOAD_FACTOR * max(answers_bytes, sample_bytes))
        tmpfs = max_upload + TMP_SLACK
        memory = self.validator_mem_limit or (
            VALIDATOR_BASE_MEMORY + tmpfs + GRADING_MEMORY_FACTOR * (answers_bytes + max_upload)
        )
        return ValidatorLimits(max_upload=max_upload, tmpfs_bytes=tmpfs, mem_bytes=memory, pids=self.validator_pids_limit)


LIMIT_KEYS = frozenset(f.name for f in fields(RunLimits))


def _positive(key: str, raw: Any, sizes: bool) -> int:
    import docker.errors
    import docker.utils

    value = 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)  # JSON's 4e9
    elif isinstance(raw, str) and sizes:
        try:
            value = docker.utils.parse_bytes(raw)
        except docker.errors.DockerException:
            pass
    if value <= 0:
        kind = 'a positive number of bytes (or a size like "20M", "2G")' if sizes else "a positive whole number"
        raise ValueError(f"container config: {key} must be {kind}, not {raw!r}")
    return value
