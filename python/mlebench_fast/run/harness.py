"""Running an agent on competitions: two containers per (competition, seed).

    validator container  holds the answers (read-only mount), serves 127.0.0.1:5000
          ^ shares only its network namespace
    agent container      /home/data read-only, no answers anywhere, runs start.sh as nonroot

The harness enforces the wall-clock limit itself: at the deadline the agent container is
stopped, its outputs are still copied out and the run is marked timed out. Every container
carries the run group's label, so containers of a killed harness are found and removed by
`--resume`; on Ctrl-C (or SIGTERM) they are removed at once (stopped only with --retain).
Clean-up goes by those labels too, so a container whose `create` call gave up on our side
(a busy engine, an interrupt) while the engine went on to make it is removed all the same.
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
from docker.errors import APIError, DockerException, NotFound

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
    PENDING,
    ROLE_LABEL,
    RUN_LABEL,
    RUNNING,
    SUCCEEDED,
    TIMED_OUT,
    RunGroup,
    RunGroupError,
    now_iso,
)

AGENT_ENTRYPOINT = "/usr/local/bin/mlebench-agent-entrypoint"
NONROOT_ENV = {"HOME": "/home/nonroot", "USER": "nonroot", "LOGNAME": "nonroot"}
VALIDATOR_PORT = 5000
EGRESS_PORT = 3128  # the run's egress proxy, on the run's network
PRIVATE_ROOT = "/private/data"  # where the validator sees the data dir (answers only)
LOG_DRAIN_TIMEOUT = 300.0  # seconds the agent's output may take to be written out after it exits
HEALTH_TIMEOUT = 60.0
POLL_SECONDS = 0.5
# Removing a container deletes its writable layer: minutes for 100,000 files on a busy disk,
# past the Docker SDK's default 60 s timeout.
REMOVE_TIMEOUT = 600.0

# After Ctrl-C, how long to wait for the workers to finish their own clean-up before the
# harness removes what is left of their runs by label.
JOIN_TIMEOUT = 90.0


def remove_container(client, container_id: str, timeout: float = REMOVE_TIMEOUT) -> None:
    """Remove a container (force). The run's clean-up, the shutdown and the sweep may remove
    one at the same time: the engine answers 409 to all calls but one, and those wait until
    it is gone."""
    try:
        client.api.remove_container(container_id, force=True)
        return
    except APIError as e:
        if e.status_code != 409 or "already in progress" not in str(e.explanation):
            raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            client.api.inspect_container(container_id)
        except NotFound:
            return
        time.sleep(0.2)
    raise TimeoutError(f"container {container_id[:12]} was still being removed after {timeout:.0f} s")


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
    agent_user: str = "nonroot"  # uid:gid of nonroot in the agent's image (`run` reads it there)


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
        self.lost: dict[str, str] = {}  # run id -> why its outcome is not in metadata.json
        self.worker_errors: list[str] = []

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
                deadline = time.monotonic() + JOIN_TIMEOUT
                for w in workers:
                    w.join(timeout=max(0.0, deadline - time.monotonic()))
                # containers created while the workers were shutting down (a create call in
                # flight when the signal came, or one whose answer never reached us)
                self._sweep()
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
            for run_id in run_ids:
                if self.group.runs[run_id].get("status") == RUNNING:
                    try:
                        self.group.update(run_id, status=INTERRUPTED, error="the harness was interrupted")
                    except RunGroupError:
                        pass  # the group folder is gone: nothing to record it in
            raise

    def unfinished(self, run_ids: list[str]) -> list[tuple[str, str]]:
        """The runs of `run_ids` left unfinished, with why: a run whose outcome could not be
        recorded, or one never started."""
        out = []
        for run_id in run_ids:
            run = self.group.runs[run_id]
            if run_id in self.lost:
                out.append((run_id, self.lost[run_id]))
            elif run.get("status") not in FINISHED:
                why = run.get("error") or ("never started" + (f" ({self.worker_errors[0]})" if self.worker_errors else ""))
                out.append((run_id, f"{run.get('status', PENDING)}: {why}"))
        return out

    def _worker(self, index: int, todo: "queue.Queue[str]") -> None:
        try:
            client = self.client_factory()
        except Exception as e:  # the engine went away after the checks
            self.worker_errors.append(f"worker {index}: {type(e).__name__}: {e}")
            return
        try:
            while not self.stop_event.is_set():
                try:
                    run_id = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    self.run_one(client, run_id, index)
                except Exception as e:  # its outcome could not be recorded: the next run still goes
                    self.lost[run_id] = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        finally:
            client.close()

    def _track(self, container: Any) -> None:
        with self._live_lock:
            self._live[container.id] = container

    def shutdown(self) -> None:
        """Remove (or with --retain stop) every container still running; agents first."""
        with self._live_lock:
            live = sorted(self._live.values(), key=lambda c: c.labels.get(ROLE_LABEL) != "agent")
        try:
            client = self.client_factory(timeout=REMOVE_TIMEOUT)
        except Exception:
            return
        try:
            for container in live:
                try:
                    self._dispose(client, container.id)
                except Exception:
                    pass  # gone already, or the engine is failing: the sweep tries again
        finally:
            client.close()

    def _sweep(self) -> None:
        """Remove (--retain: stop) the containers of this group's unfinished runs, found by label."""
        try:
            client = self.client_factory(timeout=REMOVE_TIMEOUT)
        except Exception:
            return
        try:
            remove_leftover_containers(client, self.group, stop_only=self.settings.retain)
        except Exception:
            pass
        finally:
            client.close()

    def _dispose(self, client, container_id: str) -> None:
        if self.settings.retain:
            client.api.stop(container_id, timeout=2)
        else:
            remove_container(client, container_id)

    # ------------------------------------------------------------------ one run

    def run_one(self, client: docker.DockerClient, run_id: str, worker: int) -> str:
        run = self.group.runs[run_id]
        competition_id = run["competition_id"]
        run_dir = self.group.run_dir(run_id)
        run_dir.mkdir(exist_ok=True)  # never parents: a deleted group folder is not made anew
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
            proxy_env = self._start_network(client, run_id, log)
            validator = self._start_validator(client, run_id, competition_id, log)
            agent = self._start_agent(client, run_id, competition_id, validator, gpu_ids, log, proxy_env)
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
            # every step is guarded: whatever fails, the validator (which holds the answers) is
            # removed and the run's outcome recorded
            if agent is not None and status != INTERRUPTED:
                self._guarded(log, "copying the outputs", self._collect_outputs, agent, run_dir, log)
            if validator is not None:
                self._guarded(log, "saving the validator's log", self._save_validator_log, validator, run_dir)
            problem = self._clean_up(run_id, log)
            if problem and status != INTERRUPTED:
                status, error = FAILED, problem if error is None else f"{error}; {problem}"
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
            **(validator_network_kwargs(self.settings.container_config) or {"network": network_name(run_id)}),
        )
        self._track(container)
        if self.stop_event.is_set():
            raise Interrupted()
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

    def _start_network(self, client, run_id: str, log: RunLog) -> dict[str, str]:
        """The run's own network: internal (no route out) with no address of the host's on it,
        so the run's containers reach neither the host's services nor other runs; the way out
        is the run's egress proxy, on this network and on Docker's default bridge, which
        connects only to public addresses. Returns the agent's proxy variables. Nothing when
        the container config names the network (`validator_network_mode`)."""
        if validator_network_kwargs(self.settings.container_config):
            return {}
        name = network_name(run_id)
        client.networks.create(
            name,
            driver="bridge",
            internal=True,
            labels=self._labels(run_id, "network"),
            options={"com.docker.network.bridge.inhibit_ipv4": "true"},
        )
        proxy = client.containers.create(
            image=self.settings.validator_image,
            entrypoint=["python3", "-m", "mlebench_fast.run.egress"],
            command=["--port", str(EGRESS_PORT), "--deny", *host_addresses()],
            environment={"PYTHONPATH": VALIDATOR_PYTHONPATH, "PYTHONDONTWRITEBYTECODE": "1"},
            name=f"mlebench-{run_id}-egress",
            labels=self._labels(run_id, "egress"),
            network=name,
            detach=True,
            init=True,
            read_only=True,
            user="nobody",
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            mem_limit="256m",
            pids_limit=64,
        )
        self._track(proxy)
        client.networks.get("bridge").connect(proxy)
        if self.stop_event.is_set():
            raise Interrupted()
        proxy.start()
        proxy.reload()
        address = proxy.attrs["NetworkSettings"]["Networks"][name]["IPAddress"]
        url = f"http://{address}:{EGRESS_PORT}"
        log(f"network {name} (internal) with egress proxy {proxy.name} at {url}")
        no_proxy = "localhost,127.0.0.1,::1"
        return {
            **{k: url for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")},
            **{k: no_proxy for k in ("NO_PROXY", "no_proxy")},
        }

    def _start_agent(
        self, client, run_id: str, competition_id: str, validator, gpu_ids: list[str], log: RunLog, proxy_env: dict[str, str]
    ):
        agent = self.settings.agent
        kwargs, warnings = agent_create_kwargs(self.settings.container_config, self.settings.engine_cpus, gpu_ids)
        for w in warnings:
            log(f"warning: {w}")
        identity: dict[str, Any] = {}
        if not agent.privileged:
            # set here, not left to the image's entry point (which an agent image may replace):
            # nonroot from the first process, no capabilities, no way to gain privileges
            identity = {"user": self.settings.agent_user, "cap_drop": ["ALL"]}
            options = list(kwargs.get("security_opt") or [])
            if not any(str(o).startswith("no-new-privileges") for o in options):
                options.append("no-new-privileges")
            kwargs["security_opt"] = options
            kwargs.pop("cap_drop", None)
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
                **({} if agent.privileged else NONROOT_ENV),
                **proxy_env,
            },
            volumes=self._data_volumes(competition_id),
            network_mode=f"container:{validator.id}",
            privileged=agent.privileged,
            detach=True,
            init=True,
            **identity,
            **kwargs,
        )
        self._track(container)
        if self.stop_event.is_set():
            raise Interrupted()
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

    @staticmethod
    def _guarded(log: RunLog, what: str, step: Callable[..., Any], *args: Any) -> None:
        try:
            step(*args)
        except Exception as e:
            log(f"{what} failed: {type(e).__name__}: {e}")

    def _clean_up(self, run_id: str, log: RunLog) -> str | None:
        """Remove (--retain: stop) the run's containers, the agent first (it lives in the
        validator's network namespace), with a client whose timeout fits a slow removal. A
        failure is logged and the next container still handled, so the validator never
        outlives its run. Returns what failed, or None."""
        with self._live_lock:
            mine = {c.id: (c.name, c.labels.get(ROLE_LABEL)) for c in self._live.values() if c.labels.get(RUN_LABEL) == run_id}
        failures = []
        try:
            client = self.client_factory(timeout=REMOVE_TIMEOUT)
        except Exception as e:
            return f"could not reach the Docker engine to remove the run's containers: {e}"
        try:
            try:  # by label as well: one whose create call gave up on our side may exist
                labels = [f"{GROUP_LABEL}={self.group.label}", f"{RUN_LABEL}={run_id}"]
                for c in client.containers.list(all=True, filters={"label": labels}, ignore_removed=True):
                    mine.setdefault(c.id, (c.name, c.labels.get(ROLE_LABEL)))
            except Exception as e:
                log(f"could not list the run's containers: {type(e).__name__}: {e}")
            for container_id, (name, _) in sorted(mine.items(), key=lambda kv: kv[1][1] != "agent"):
                try:
                    self._dispose(client, container_id)
                    if self.settings.retain:
                        log(f"container {name} kept (--retain)")
                except NotFound:
                    pass
                except Exception as e:
                    failures.append(f"could not remove container {name}: {type(e).__name__}: {e}")
                    log(failures[-1])
                with self._live_lock:
                    self._live.pop(container_id, None)
            if not self.settings.retain:  # kept containers keep their network
                failures += remove_networks(client, self.group, run_id, log)
        finally:
            client.close()
        return "; ".join(failures) or None


def host_addresses() -> list[str]:
    """This machine's own IPv4 addresses (Linux: the local routes of /proc/net/fib_trie),
    which its egress proxies refuse: a service bound to 0.0.0.0 listens on each of them."""
    found = set()
    try:
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
    except OSError:
        lines = []
    for previous, line in zip(lines, lines[1:]):
        if "/32 host LOCAL" in line:
            found.add(previous.split()[-1])
    try:
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("198.51.100.1", 9))  # sends nothing: the address of the default route
            found.add(s.getsockname()[0])
    except OSError:
        pass
    return sorted(found)


def network_name(run_id: str) -> str:
    return f"mlebench-{run_id}"


def remove_networks(client: docker.DockerClient, group: RunGroup, run_id: str | None, log: Callable[[str], None]) -> list[str]:
    """Remove the networks of one run (None: of every unfinished run); returns what failed."""
    labels = [f"{GROUP_LABEL}={group.label}"] + ([f"{RUN_LABEL}={run_id}"] if run_id else [])
    failures = []
    for network in client.networks.list(filters={"label": labels}):
        rid = network.attrs.get("Labels", {}).get(RUN_LABEL)
        if run_id is None and rid in group.runs and group.runs[rid].get("status") in FINISHED:
            continue
        try:
            network.remove()
        except NotFound:
            pass
        except Exception as e:
            failures.append(f"could not remove network {network.name}: {type(e).__name__}: {e}")
            log(failures[-1])
    return failures


def remove_leftover_containers(client: docker.DockerClient, group: RunGroup, stop_only: bool = False) -> list[str]:
    """Remove (`stop_only`: stop) the containers of a group's unfinished runs, agents first
    (left by a killed harness, or created while one was shutting down)."""
    removed = []
    # ignore_removed: one removed between the listing and its inspection (another clean-up) is gone, not an error
    found = client.containers.list(all=True, filters={"label": f"{GROUP_LABEL}={group.label}"}, ignore_removed=True)
    for c in sorted(found, key=lambda c: c.labels.get(ROLE_LABEL) != "agent"):
        run_id = c.labels.get(RUN_LABEL)
        if run_id in group.runs and group.runs[run_id].get("status") in FINISHED:
            continue  # a finished run's container kept with --retain
        try:
            if stop_only:
                c.stop(timeout=2)
            else:
                remove_container(client, c.id)
            removed.append(c.name)
        except NotFound:
            pass
    if not stop_only:
        remove_networks(client, group, None, lambda line: None)
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
