"""Running an agent on competitions: two containers per (competition, seed).

    validator container  holds the answers (read-only mount), serves 127.0.0.1:5000
          ^ shares only its network namespace
    agent container      /home/data read-only, no answers anywhere, runs start.sh as nonroot

The harness enforces the wall-clock limit itself: at the deadline the agent container is
stopped, its outputs are still copied out and the run is marked timed out. Every container
carries the run group's label, so containers of a killed harness are found and removed by
`--resume`; on Ctrl-C (or SIGTERM) they are removed at once (stopped only with --retain).
"""

from __future__ import annotations

import queue
import shutil
import signal
import tarfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import docker
from docker.errors import DockerException, NotFound

from ..registry import get_competition
from .agents import CONTAINER_DIRS, Agent
from .images import VALIDATOR_PYTHONPATH
from .config import GpuPlan, agent_create_kwargs, validator_network_kwargs
from .limits import VALIDATOR_GRADING_THREADS, RunLimits
from .outputs import SUBMISSION_FILE, FolderCopy, copy_out
from .rungroup import (
    FAILED,
    FINISHED,
    GROUP_LABEL,
    INTERRUPTED,
    ROLE_LABEL,
    RUN_LABEL,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    RunGroup,
    now_iso,
)

AGENT_ENTRYPOINT = "/usr/local/bin/mlebench-agent-entrypoint"
VALIDATOR_PORT = 5000
PRIVATE_ROOT = "/private/data"  # where the validator sees the data dir (answers only)
LOG_DRAIN_TIMEOUT = 300.0  # seconds the agent's output may take to be written out after it exits
HEALTH_TIMEOUT = 60.0
POLL_SECONDS = 0.5


class Interrupted(Exception):
    """The harness is shutting down (Ctrl-C or SIGTERM)."""


class RunFailure(RuntimeError):
    pass


def public_dir(data_dir: Path, competition_id: str) -> Path:
    return data_dir / competition_id / "prepared" / "public"


def private_dir(data_dir: Path, competition_id: str) -> Path:
    return data_dir / competition_id / "prepared" / "private"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@dataclass
class RunSettings:
    agent: Agent
    data_dir: Path
    container_config: dict[str, Any]
    time_limit: float | None
    retain: bool
    gpu_plan: GpuPlan
    validator_image: str
    limits: RunLimits = RunLimits()  # the harness's own: copy-out, agent log, validator
    engine_cpus: int | None = None
    stop_grace: float = 10.0
    obfuscated: bool = False  # the obfuscation experiment: obfuscated instructions and description
    texts: dict[str, dict[str, Any]] | None = None  # competition -> provenance of its texts (metadata)
    ml_stack: str | None = None  # of the agent's image (label of its mlebench-env)


class RunLog:
    """run.log: timestamped lines from the harness and the agent's output; thread-safe."""

    def __init__(self, path: Path):
        self._file = open(path, "a", encoding="utf-8", errors="replace")
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        self.lines(message.splitlines() or [""])

    def lines(self, lines: list[str], prefix: str = "") -> None:
        """Each of `lines` as one line of the log (not split further), under one time stamp;
        nothing once the log is closed."""
        if not lines:
            return
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        with self._lock:
            if self._file.closed:
                return
            self._file.write("".join(f"{stamp} {prefix}{line}\n" for line in lines))
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


class LineCutter:
    """Cuts a byte stream into lines, each kept to its first `max_line` bytes (the rest of a
    longer line is dropped and counted), in time linear in the stream's length."""

    def __init__(self, max_line: int):
        self.max_line = max_line
        self._line = bytearray()
        self._dropped = 0  # bytes of the current line past max_line

    def feed(self, chunk: bytes) -> list[str]:
        done = []
        view, start = memoryview(chunk), 0
        while (end := chunk.find(b"\n", start)) != -1:
            self._take(view[start:end])
            done.append(self._finish())
            start = end + 1
        self._take(view[start:])
        return done

    def end(self) -> list[str]:
        """The last line when the stream did not end with a newline."""
        return [self._finish()] if self._line or self._dropped else []

    def _take(self, part: memoryview) -> None:
        room = max(0, self.max_line - len(self._line))
        self._line += part[:room]
        self._dropped += max(0, len(part) - room)

    def _finish(self) -> str:
        text = self._line.decode("utf-8", errors="replace").rstrip("\r")
        if self._dropped:
            text += f" [line cut: {self._dropped} more bytes]"
        self._line.clear()
        self._dropped = 0
        return text


class Harness:
    def __init__(
        self,
        settings: RunSettings,
        group: RunGroup,
        on_event: Callable[[str, str], None] | None = None,
        client_factory: Callable[[], docker.DockerClient] = docker.from_env,
    ):
        self.settings = settings
        self.group = group
        self.on_event = on_event or (lambda run_id, status: None)
        self.client_factory = client_factory
        self.stop_event = threading.Event()
        self._live: dict[str, Any] = {}
        self._live_lock = threading.Lock()

    # ------------------------------------------------------------------ pool

    def run(self, run_ids: list[str], n_workers: int) -> None:
        """Run the given runs on n_workers threads; returns when all are done. On
        KeyboardInterrupt the containers are cleaned up, the unfinished runs marked
        interrupted, and the interrupt re-raised."""
        todo: queue.Queue[str] = queue.Queue()
        for run_id in run_ids:
            todo.put(run_id)
        workers = [
            threading.Thread(target=self._worker, args=(i, todo), name=f"worker-{i}", daemon=True)
            for i in range(min(n_workers, len(run_ids)))
        ]
        for w in workers:
            w.start()
        try:
            while any(w.is_alive() for w in workers):
                for w in workers:
                    w.join(timeout=0.2)
        except KeyboardInterrupt:
            self.stop_event.set()
            # a second Ctrl-C must not cut the clean-up short
            previous = (
                signal.signal(signal.SIGINT, signal.SIG_IGN) if threading.current_thread() is threading.main_thread() else None
            )
            try:
                self.shutdown()
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
            for w in workers:
                w.join(timeout=60)
            for run_id in run_ids:
                if self.group.runs[run_id].get("status") == RUNNING:
                    self.group.update(run_id, status=INTERRUPTED, error="the harness was interrupted")
            raise

    def _worker(self, index: int, todo: "queue.Queue[str]") -> None:
        client = self.client_factory()
        try:
            while not self.stop_event.is_set():
                try:
                    run_id = todo.get_nowait()
                except queue.Empty:
                    return
                self.run_one(client, run_id, index)
        finally:
            client.close()

    def _track(self, container: Any) -> None:
        with self._live_lock:
            self._live[container.id] = container

    def _tracked(self, run_id: str) -> list[Any]:
        """This run's containers still to clean up, the agent first (it lives in the
        validator's network namespace)."""
        with self._live_lock:
            mine = [c for c in self._live.values() if c.labels.get(RUN_LABEL) == run_id]
        return sorted(mine, key=lambda c: c.labels.get(ROLE_LABEL) != "agent")

    def _untrack(self, container: Any) -> None:
        with self._live_lock:
            self._live.pop(container.id, None)

    def shutdown(self) -> None:
        """Remove (or with --retain stop) every container still running; agents first."""
        with self._live_lock:
            live = sorted(self._live.values(), key=lambda c: c.labels.get(ROLE_LABEL) != "agent")
        client = self.client_factory()
        try:
            for container in live:
                try:
                    c = client.containers.get(container.id)
                    if self.settings.retain:
                        c.stop(timeout=2)
                    else:
                        c.remove(force=True)
                except NotFound:
                    pass
                except DockerException:
                    pass
        finally:
            client.close()

    # ------------------------------------------------------------------ one run

    def run_one(self, client: docker.DockerClient, run_id: str, worker: int) -> str:
        run = self.group.runs[run_id]
        competition_id = run["competition_id"]
        run_dir = self.group.run_dir(run_id)
        run_dir.mkdir(parents=True, exist_ok=True)
        for stale in ("submission", "logs", "code"):  # partial outputs of an interrupted attempt
            shutil.rmtree(run_dir / stale, ignore_errors=True)
        log = RunLog(run_dir / "run.log")
        gpu_ids = self.settings.gpu_plan.for_worker(worker)
        self.group.update(
            run_id,
            status=RUNNING,
            started_at=now_iso(),
            ended_at=None,
            duration_seconds=None,
            error=None,
            exit_code=None,
            worker=worker,
            gpu_ids=gpu_ids,
            ml_stack=self.settings.ml_stack,
            **(
                {"texts": self.settings.texts[competition_id]}
                if self.settings.texts and competition_id in self.settings.texts
                else {}
            ),
        )
        self.on_event(run_id, RUNNING)
        log(
            f"[worker {worker}] run {run_id}: agent {self.settings.agent.id}, {competition_id}, seed {run['seed']}"
            + (f", GPUs {','.join(gpu_ids)}" if gpu_ids else "")
        )
        started = time.monotonic()
        status, error, exit_code = FAILED, None, None
        validator = agent = None
        try:
            validator = self._start_validator(client, run_id, competition_id, log)
            agent = self._start_agent(client, run_id, competition_id, validator, gpu_ids, log)
            status, exit_code = self._supervise(agent, log)
            if status == FAILED:
                error = f"the agent exited with status {exit_code}"
        except Exception as e:
            if self.stop_event.is_set():
                status, error = INTERRUPTED, "the harness was interrupted"
            else:
                status, error = FAILED, str(e) or type(e).__name__
                log(f"run failed: {error}\n{traceback.format_exc()}")
        finally:
            if agent is not None and status != INTERRUPTED:
                self._collect_outputs(agent, run_dir, log)
            if validator is not None:
                self._save_validator_log(validator, run_dir)
            self._clean_up(self._tracked(run_id), log)
            duration = round(time.monotonic() - started, 3)
            log(f"run {status} after {duration:.1f}s" + (f": {error}" if error else ""))
            log.close()
            self.group.update(
                run_id,
                status=status,
                error=error,
                exit_code=exit_code,
                ended_at=now_iso(),
                duration_seconds=duration,
                submission_exists=(run_dir / "submission" / "submission.csv").is_file(),
            )
            self.on_event(run_id, status)
        return status

    def _labels(self, run_id: str, role: str) -> dict[str, str]:
        return {GROUP_LABEL: self.group.label, RUN_LABEL: run_id, ROLE_LABEL: role}

    def _start_validator(self, client, run_id: str, competition_id: str, log: RunLog):
        private = private_dir(self.settings.data_dir, competition_id).resolve()
        comp = get_competition(competition_id)
        limits = self.settings.limits.for_validator(
            _size(comp.answers_path(self.settings.data_dir)), _size(comp.sample_submission_path(self.settings.data_dir))
        )
        container = client.containers.create(
            image=self.settings.validator_image,
            entrypoint=["python3", "-m", "mlebench_fast.run.validator"],
            command=[
                *("--competition", competition_id, "--data-dir", PRIVATE_ROOT, "--port", str(VALIDATOR_PORT)),
                *("--max-upload", str(limits.max_upload)),
            ],
            environment={
                "PYTHONPATH": VALIDATOR_PYTHONPATH,
                "PYTHONDONTWRITEBYTECODE": "1",
                "RAYON_NUM_THREADS": str(VALIDATOR_GRADING_THREADS),  # under its pids limit on any host
            },
            name=f"mlebench-{run_id}-validator",
            labels=self._labels(run_id, "validator"),
            volumes={str(private): {"bind": f"{PRIVATE_ROOT}/{competition_id}/prepared/private", "mode": "ro"}},
            detach=True,
            init=True,
            read_only=True,
            tmpfs={"/tmp": f"size={limits.tmpfs_bytes}"},  # where uploads are stored, one at a time
            mem_limit=limits.mem_bytes,
            memswap_limit=limits.mem_bytes,
            pids_limit=limits.pids,
            cap_drop=["ALL"],
            cap_add=["DAC_READ_SEARCH"],  # read the answers whoever owns them on the host
            security_opt=["no-new-privileges"],
            **validator_network_kwargs(self.settings.container_config),
        )
        self._track(container)
        container.start()
        log(f"validator container {container.name} started")
        self._wait_healthy(container, log)
        return container

    def _wait_healthy(self, container, log: RunLog) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        probe = ["curl", "-fsS", "-o", "/dev/null", f"http://127.0.0.1:{VALIDATOR_PORT}/health"]
        while time.monotonic() < deadline:
            if self.stop_event.is_set():
                raise Interrupted()
            container.reload()
            if container.status not in ("created", "running"):
                tail = container.logs(tail=30).decode(errors="replace")
                raise RunFailure(f"the validation server exited before serving:\n{tail}")
            if container.exec_run(probe).exit_code == 0:
                log("validation server is healthy")
                return
            time.sleep(0.25)
        raise RunFailure(f"the validation server did not answer /health within {HEALTH_TIMEOUT:.0f}s")

    def _start_agent(self, client, run_id: str, competition_id: str, validator, gpu_ids: list[str], log: RunLog):
        agent = self.settings.agent
        kwargs, warnings = agent_create_kwargs(self.settings.container_config, self.settings.engine_cpus, gpu_ids)
        for w in warnings:
            log(f"warning: {w}")
        kwargs.setdefault("security_opt", [] if agent.privileged else ["no-new-privileges"])
        container = client.containers.create(
            image=agent.image,
            command=agent.command(),
            entrypoint=[AGENT_ENTRYPOINT],
            name=f"mlebench-{run_id}",
            labels=self._labels(run_id, "agent"),
            environment={
                "COMPETITION_ID": competition_id,
                **CONTAINER_DIRS,
                **agent.env_vars,
                **({"OBFUSCATE": "true"} if self.settings.obfuscated else {}),
            },
            volumes=self._data_volumes(competition_id),
            network_mode=f"container:{validator.id}",
            privileged=agent.privileged,
            detach=True,
            init=True,
            **kwargs,
        )
        self._track(container)
        container.start()
        log(f"agent container {container.name} started: {' '.join(agent.command())}")
        return container

    def _data_volumes(self, competition_id: str) -> dict[str, dict[str, str]]:
        public = public_dir(self.settings.data_dir, competition_id).resolve()
        volumes = {str(public): {"bind": "/home/data", "mode": "ro"}}
        if self.settings.obfuscated:  # the agent reads the obfuscated description at the usual path
            volumes[str(public / "description_obfuscated.md")] = {"bind": "/home/data/description.md", "mode": "ro"}
        return volumes

    def _supervise(self, container, log: RunLog) -> tuple[str, int | None]:
        """Wait for the agent to exit or the deadline; returns (status, exit code)."""
        streamer = threading.Thread(target=self._stream_logs, args=(container, log), daemon=True)
        streamer.start()
        limit = self.settings.time_limit
        deadline = time.monotonic() + limit if limit else None
        timed_out = False
        while True:
            if self.stop_event.is_set():
                raise Interrupted()
            container.reload()
            if container.status in ("exited", "dead"):
                break
            if deadline is not None and time.monotonic() >= deadline:
                log(f"time limit of {limit:g}s reached: stopping the agent")
                container.stop(timeout=int(self.settings.stop_grace))
                container.reload()
                timed_out = True
                break
            wait = POLL_SECONDS if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))
            time.sleep(wait)
        streamer.join(timeout=LOG_DRAIN_TIMEOUT)  # its output is written out to the end
        if streamer.is_alive():
            log(f"the agent's output did not end within {LOG_DRAIN_TIMEOUT:.0f}s of its exit: run.log misses the rest")
        exit_code = container.attrs.get("State", {}).get("ExitCode")
        log(f"agent exited with status {exit_code}")
        if timed_out:
            return TIMED_OUT, exit_code
        return (SUCCEEDED if exit_code == 0 else FAILED), exit_code

    def _stream_logs(self, container, log: RunLog) -> None:
        lines = LineCutter(self.settings.limits.log_max_line)
        try:
            for chunk in container.logs(stream=True, follow=True):
                log.lines(lines.feed(chunk), "[agent] ")
        except (DockerException, OSError, ValueError):
            pass  # the container went away (interrupt); nothing more to read
        log.lines(lines.end(), "[agent] ")

    def _collect_outputs(self, container, run_dir: Path, log: RunLog) -> None:
        """Copy the output folders within the caps; the run's metadata records what was
        copied of each and what was cut (a run's folder is named by its id)."""
        limits, outputs = self.settings.limits, {}
        for key in ("SUBMISSION_DIR", "LOGS_DIR", "CODE_DIR"):
            path = CONTAINER_DIRS[key]
            copy = FolderCopy(limits.output_max_bytes, limits.output_max_files)
            try:
                copy_out(container, path, run_dir, copy, first=SUBMISSION_FILE if key == "SUBMISSION_DIR" else None)
                log(f"copied {copy.files} file(s), {copy.bytes} bytes, from {path}")
            except NotFound:
                log(f"nothing at {path} in the agent container")
            except (DockerException, OSError, tarfile.TarError) as e:
                log(f"could not copy all of {path} out of the agent container: {e}")
            for skipped in copy.skipped:
                log(f"skipped {skipped['path']}: {skipped['reason']}")
            if copy.skipped_total > len(copy.skipped):
                log(f"skipped {copy.skipped_total - len(copy.skipped)} more member(s) of {path}")
            if copy.cut:
                log(f"{path}: {copy.cut}")
            outputs[PurePosixPath(path).name] = copy.summary()
        try:
            self.group.update(run_dir.name, outputs=outputs)
        except OSError as e:  # kept in memory: the run's last update writes it, or says why not
            log(f"could not record the outputs in metadata.json: {e}")

    @staticmethod
    def _save_validator_log(container, run_dir: Path) -> None:
        try:
            (run_dir / "validator.log").write_bytes(container.logs())
        except (DockerException, OSError):
            pass

    def _clean_up(self, containers: list, log: RunLog) -> None:
        for c in containers:
            try:
                if self.settings.retain:
                    c.stop(timeout=2)
                    log(f"container {c.name} kept (--retain)")
                else:
                    c.remove(force=True)
            except NotFound:
                pass
            except DockerException as e:
                log(f"could not clean up container {c.name}: {e}")
            self._untrack(c)


def remove_leftover_containers(client: docker.DockerClient, group: RunGroup) -> list[str]:
    """Remove the containers of a group's unfinished runs (left by a killed harness)."""
    removed = []
    for c in client.containers.list(all=True, filters={"label": f"{GROUP_LABEL}={group.label}"}):
        run_id = c.labels.get(RUN_LABEL)
        if run_id in group.runs and group.runs[run_id].get("status") in FINISHED:
            continue  # a finished run's container kept with --retain
        try:
            c.remove(force=True)
            removed.append(c.name)
        except NotFound:
            pass
    return removed


__all__ = [
    "Harness",
    "RunSettings",
    "RunLog",
    "LineCutter",
    "remove_leftover_containers",
    "public_dir",
    "private_dir",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "INTERRUPTED",
]
