"""Run groups on disk, in the reference's layout:

    <runs-dir>/<timestamp>_run-group_<agent>/
        metadata.json                    # every run's status, seed, times (kept up to date)
        <competition>_<uuid>/            # one folder per (competition, seed)
            submission/ logs/ code/      # copied out of the agent's container
            run.log                      # the harness's log and the agent's output
            validator.log                # the validation server's requests

metadata.json is rewritten atomically after every change, so a killed harness leaves a
group that `run --resume` can finish.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..grading import timestamp
from ..lfs import LfsPointerError, read_text

PENDING, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, INTERRUPTED = (
    "pending",
    "running",
    "succeeded",
    "failed",
    "timed_out",
    "interrupted",
)
FINISHED = frozenset({SUCCEEDED, FAILED, TIMED_OUT})
METADATA = "metadata.json"
# a run group's containers carry this label (the group's absolute path)
GROUP_LABEL = "org.mlebench-fast.run-group"
RUN_LABEL = "org.mlebench-fast.run-id"
ROLE_LABEL = "org.mlebench-fast.role"


class RunGroupError(RuntimeError):
    pass


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunGroup:
    """A run group folder and its metadata.json; safe to update from several threads."""

    def __init__(self, path: Path, metadata: dict[str, Any]):
        self.path = path
        self.metadata = metadata
        self._lock = threading.Lock()
        self._lock_file: int | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return str(self.path.resolve())

    @property
    def runs(self) -> dict[str, dict[str, Any]]:
        return self.metadata["runs"]

    @classmethod
    def create(
        cls, runs_dir: Path, agent_name: str, competition_ids: list[str], n_seeds: int, settings: dict[str, Any]
    ) -> "RunGroup":
        runs_dir.mkdir(parents=True, exist_ok=True)
        base = f"{timestamp()}_run-group_{agent_name}"
        path = runs_dir / base
        n = 1
        while True:
            try:
                path.mkdir()
                break
            except FileExistsError:  # two groups started in the same second
                n += 1
                path = runs_dir / f"{base}-{n}"
        runs = {}
        for seed in range(n_seeds):
            for cid in competition_ids:
                run_id = f"{cid}_{uuid.uuid4()}"
                (path / run_id).mkdir()
                runs[run_id] = {"competition_id": cid, "seed": seed, "status": PENDING, "success": None}
        group = cls(path, {"run_group": path.name, "created_at": timestamp(), "settings": settings, "runs": runs})
        group.lock()
        group.save()
        return group

    @classmethod
    def open(cls, path: Path) -> "RunGroup":
        meta_path = path / METADATA
        try:
            metadata = json.loads(meta_path.read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise RunGroupError(f"{path} is not a run group of mlebench-fast ({meta_path}: {e})") from None
        if not isinstance(metadata.get("runs"), dict) or "settings" not in metadata:
            raise RunGroupError(f"{meta_path} has no `runs` and `settings`: it was not written by mlebench-fast run")
        return cls(path, metadata)

    def lock(self) -> None:
        """Hold the group's lock for this process's life, so two harnesses never run it."""
        fd = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise RunGroupError(f"{self.path} is being run by another mlebench-fast process") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_file = fd

    def save(self) -> None:
        with self._lock:
            self._write()

    def _write(self) -> None:
        tmp = self.path / f".{METADATA}.tmp"
        tmp.write_text(json.dumps(self.metadata, indent=2, default=str))
        tmp.replace(self.path / METADATA)

    def update(self, run_id: str, **fields: Any) -> None:
        """Change a run and rewrite metadata.json; when the file cannot be written (the group
        folder deleted, a full disk) the change is undone and RunGroupError raised, so what
        is in memory (and in the summary) is what is on disk."""
        with self._lock:
            run = self.runs[run_id]
            before = dict(run)
            run.update(fields)
            status = run.get("status")
            run["success"] = True if status == SUCCEEDED else (False if status in FINISHED else None)
            try:
                self._write()
            except OSError as e:
                run.clear()
                run.update(before)
                raise RunGroupError(f"cannot record run {run_id} in {self.path / METADATA}: {e.strerror or e}") from None

    def unfinished(self) -> list[str]:
        return [rid for rid, r in self.runs.items() if r.get("status") not in FINISHED]

    def run_dir(self, run_id: str) -> Path:
        return self.path / run_id


def counts(group: RunGroup) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in group.runs.values():
        out[r.get("status", PENDING)] = out.get(r.get("status", PENDING), 0) + 1
    return out


# ------------------------------------------------------------- make-submission


def _competition_of(run_id: str, run: dict[str, Any]) -> str:
    # groups of the reference record no competition: its run ids are "<competition>_<uuid>"
    return str(run.get("competition_id") or run_id.split("_")[0])


def submission_entries(
    group_dir: Path, rel_log_path: str = "logs/agent.log", rel_code_path: str = "code/train.py"
) -> Iterator[dict[str, Any]]:
    """The grading JSONL's lines for a run group (of mlebench-fast or of the reference): one
    per run, with the submission's, log's and code's paths, or null where absent."""
    meta_path = group_dir / METADATA
    try:
        metadata = json.loads(read_text(meta_path))
    except LfsPointerError as e:  # the reference's runs/ keeps its JSON in Git LFS
        raise RunGroupError(str(e)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunGroupError(f"{group_dir} is not a run group: cannot read {meta_path} ({e})") from None
    runs = metadata.get("runs")
    if not isinstance(runs, dict):
        raise RunGroupError(f"{meta_path} has no `runs` mapping")
    root = group_dir.resolve()
    for run_id, run in runs.items():
        entry = {
            "competition_id": _competition_of(run_id, run if isinstance(run, dict) else {}),
            "submission_path": None,
            "logs_path": None,
            "code_path": None,
        }
        for key, rel in (
            ("submission_path", "submission/submission.csv"),
            ("logs_path", rel_log_path),
            ("code_path", rel_code_path),
        ):
            path, why = _inside(root, f"{run_id}/{rel}")
            if why is not None:
                if key == "submission_path":
                    entry["submission_error"] = f"{why}: links in a run group are not followed"
            elif path.is_file() if key == "submission_path" else path.exists():
                entry[key] = path.as_posix()
        yield entry


def _inside(root: Path, rel: str) -> tuple[Path, str | None]:
    """`root/rel`, and why it may not be read when it is not plainly inside the group: a
    component that is a symbolic link (pointing anywhere, the answers say) or that leaves it."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts:
        return root / rel, f"{rel} leaves the run group"
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            return path, f"{path.relative_to(root).as_posix()} is a symbolic link"
    return path, None


def stored_data_dir(group_dir: Path) -> Path | None:
    """The data dir a run group of mlebench-fast was run on (settings.data_dir), or None."""
    try:
        data_dir = json.loads((group_dir / METADATA).read_text()).get("settings", {}).get("data_dir")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return None
    return Path(data_dir) if isinstance(data_dir, str) and data_dir else None


def write_submission_jsonl(group_dir: Path, output: Path, **kwargs: str) -> list[dict[str, Any]]:
    entries = list(submission_entries(group_dir, **kwargs))
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text("".join(json.dumps(e) + "\n" for e in entries))
    tmp.replace(output)
    return entries
