"""Faults that must not kill a worker or hide a failure, and settings that must not weaken the
seal (issue 21): real containers on the real Docker engine, the faults injected where the
engine cannot be made to produce them on demand (a removal slower than a timeout, an answer
lost in flight). Skipped, with a message, when no Docker engine is reachable."""

from __future__ import annotations

import _thread
import shutil
import signal
import threading
from pathlib import Path

import docker
import pytest
import requests

from mlebench_fast.run.agents import get_agent
from mlebench_fast.run.config import GpuPlan, load_container_config
from mlebench_fast.run.harness import Harness, RunSettings, remove_container
from mlebench_fast.run.images import build_validator_image
from mlebench_fast.run.rungroup import RunGroup
from run_helpers import TITANIC
from test_run import (  # noqa: F401  (fixtures)
    GROUP_LABEL,
    ROLE_LABEL,
    TEST_AGENTS,
    _containers,
    _metadata,
    _popen_run,
    _remove_networks,
    _run,
    _wait_for_agents,
    cli,
    client,
    data_dir,
    images,
)


def _settings(client, data: Path, agent_id: str = "flaky", **overrides) -> RunSettings:
    return RunSettings(
        agent=get_agent(agent_id, TEST_AGENTS),
        data_dir=data.resolve(),
        container_config=load_container_config(None),
        time_limit=overrides.pop("time_limit", 120),
        retain=False,
        gpu_plan=GpuPlan(()),
        validator_image=build_validator_image(client, lambda line: None),
        engine_cpus=client.info().get("NCPU"),
        **overrides,
    )


def _group(runs: Path, agent_id: str = "flaky", n_seeds: int = 1) -> RunGroup:
    return RunGroup.create(runs, agent_id, [TITANIC], n_seeds, {"agent_id": agent_id})


def _remove_all(client, group: RunGroup) -> list[str]:
    """The test's own clean-up: the names of the group's containers it had to remove."""
    left = client.containers.list(all=True, filters={"label": f"{GROUP_LABEL}={group.label}"}, ignore_removed=True)
    for c in left:
        c.remove(force=True)
    return [c.name for c in left]


def _is_agent(api: docker.APIClient, container: str) -> bool:
    return api.inspect_container(container)["Config"]["Labels"].get(ROLE_LABEL) == "agent"


# ---------------------------------------------------------------------------- 5: clean-up


SLOW_REMOVAL = 120.0  # seconds the engine takes to remove the agent (its layer: 100,000 files)


def _slow_removal_client(timeout: float = 60, **kwargs) -> docker.DockerClient:
    """A real client on which removing an agent container takes SLOW_REMOVAL seconds: with a
    shorter timeout the call fails as requests fails it (after the timeout), else it goes through."""
    c = docker.from_env(timeout=timeout, **kwargs)
    real = c.api.remove_container

    def remove_container(container, *args, **kw):
        if c.api.timeout < SLOW_REMOVAL and _is_agent(c.api, container):
            raise requests.exceptions.ReadTimeout(f"Read timed out. (read timeout={c.api.timeout})")
        return real(container, *args, **kw)

    c.api.remove_container = remove_container  # type: ignore[method-assign]
    return c


def test_a_slow_container_removal_gets_the_time_it_needs(client, images, data_dir: Path, tmp_path: Path) -> None:
    group = _group(tmp_path / "runs")
    (run_id,) = group.runs
    harness = Harness(_settings(client, data_dir), group, client_factory=_slow_removal_client)
    try:
        harness.run([run_id], 1)
        run = group.runs[run_id]
        assert run["status"] == "succeeded", (run, (group.run_dir(run_id) / "run.log").read_text())
        assert _metadata(group.path)["runs"][run_id]["status"] == "succeeded"
        assert harness.unfinished([run_id]) == []
    finally:
        assert _remove_all(client, group) == []


def _failing_removal_client(timeout: float = 60, **kwargs) -> docker.DockerClient:
    """A real client that cannot remove agent containers at all (any exception, not Docker's)."""
    c = docker.from_env(timeout=timeout, **kwargs)
    real = c.api.remove_container

    def remove_container(container, *args, **kw):
        if _is_agent(c.api, container):
            raise RuntimeError("the engine lost its storage driver")
        return real(container, *args, **kw)

    c.api.remove_container = remove_container  # type: ignore[method-assign]
    return c


def test_a_failing_removal_still_removes_the_validator_and_fails_the_run(client, images, data_dir, tmp_path: Path) -> None:
    group = _group(tmp_path / "runs", n_seeds=2)
    harness = Harness(_settings(client, data_dir), group, client_factory=_failing_removal_client)
    try:
        harness.run(list(group.runs), 1)  # returns: no worker died on the first run
        for run_id, run in _metadata(group.path)["runs"].items():
            assert run["status"] == "failed", run
            assert "could not remove container" in run["error"] and "the engine lost its storage driver" in run["error"], run
            assert f"mlebench-{run_id}-validator" not in {c.name for c in _containers(client, group.path)}
        assert {c.labels[ROLE_LABEL] for c in _containers(client, group.path)} == {"agent"}
    finally:
        assert len(_remove_all(client, group)) == 2  # the two agents the engine 'could not' remove


# ---------------------------------------------------------------------------- 6: unfinished runs


def test_a_run_group_deleted_mid_run_makes_run_fail_naming_every_run(client, images, data_dir: Path, tmp_path: Path) -> None:
    runs, log = tmp_path / "runs", tmp_path / "harness.log"
    proc = _popen_run(
        data_dir, runs, log, "--agent", "waiter", "--competitions", TITANIC, "--n-seeds", "3", "--time-limit", "300"
    )
    try:
        group, (agent,) = _wait_for_agents(client, runs, 1, proc)
        run_ids = list(_metadata(group)["runs"])
        shutil.rmtree(group)
        agent.exec_run(["touch", "/home/code/release"], user="nonroot")
        assert proc.wait(timeout=180) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
    out = log.read_text()
    assert f"3 of 3 run(s) of {group} left unfinished" in out, out
    for run_id in run_ids:
        assert f"  {run_id}: " in out, out
    assert "cannot record run" in out and "No such file or directory" in out
    assert "0/3 done, 0 succeeded, 0 failed, 0 timed out, 3 unfinished" in out, out
    assert "finish them with --resume" not in out  # there is nothing left to resume
    assert _containers(client, group) == []


# ---------------------------------------------------------------------------- 7: Ctrl-C


def test_removals_at_the_same_time_all_wait_until_the_container_is_gone(client, images) -> None:
    """The run's clean-up, the shutdown and the sweep can remove one container together: the
    engine answers 409 ("removal ... already in progress") to all but one, and each caller
    must return only once the container is gone (seen: a Ctrl-C test found it still there)."""
    for attempt in range(5):  # the engine's 409 depends on timing: a few containers, each raced
        container = client.containers.create("mlebench-env", ["sleep", "60"], labels={"org.mlebench-fast.test": "race"})
        container.start()
        errors: list[BaseException] = []
        go = threading.Barrier(6)

        def remove() -> None:
            go.wait()
            try:
                remove_container(client, container.id)
            except docker.errors.NotFound:
                pass  # the engine had finished before this call began: gone as well
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=remove) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with pytest.raises(docker.errors.NotFound):
            client.containers.get(container.id)


def test_ctrl_c_while_a_container_is_being_created_removes_it_too(client, images, data_dir: Path, tmp_path: Path) -> None:
    """Ctrl-C arrives while the agent's create call is in flight; the engine makes the
    container after the harness has removed the others, and its answer never reaches the
    harness (a busy engine's timeout). That container must go too."""
    group = _group(tmp_path / "runs", agent_id="sleeper")
    (run_id,) = group.runs
    shut_down = threading.Event()

    class Observed(Harness):
        def shutdown(self) -> None:
            super().shutdown()
            shut_down.set()

    def interrupted_create_client(timeout: float = 60, **kwargs) -> docker.DockerClient:
        c = docker.from_env(timeout=timeout, **kwargs)
        real = c.api.create_container

        def create(*args, **kw):
            if (kw.get("labels") or {}).get(ROLE_LABEL) != "agent":
                return real(*args, **kw)
            real(*args, **kw)  # the engine makes the container...
            _thread.interrupt_main()  # ...Ctrl-C comes before its answer does...
            assert shut_down.wait(60), "the harness did not shut down"
            raise requests.exceptions.ReadTimeout("Read timed out. (read timeout=60)")  # ...which never comes

        c.api.create_container = create  # type: ignore[method-assign]
        return c

    harness = Observed(_settings(client, data_dir, "sleeper"), group, client_factory=interrupted_create_client)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # SIGINT may be ignored where pytest runs
    try:
        with pytest.raises(KeyboardInterrupt):
            harness.run([run_id], 1)
        assert _metadata(group.path)["runs"][run_id]["status"] == "interrupted"
    finally:
        signal.signal(signal.SIGINT, previous)
        assert _remove_all(client, group) == []


# ---------------------------------------------------------------------------- 10: the agent's user


def test_an_image_that_replaces_the_entrypoint_still_runs_unprivileged(client, images, data_dir: Path, tmp_path: Path) -> None:
    built = cli("agents", "build", "hijack", "--agents-dir", str(TEST_AGENTS), timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    result, group = _run(data_dir, tmp_path / "runs", "--agent", "hijack", "--competitions", TITANIC, "--retain")
    try:
        assert result.returncode == 0, result.stderr
        ((run_id, run),) = _metadata(group)["runs"].items()
        assert run["status"] == "succeeded", (group / run_id / "run.log").read_text()
        identity = dict(line.split(None, 1) for line in (group / run_id / "logs" / "identity.txt").read_text().splitlines())
        assert identity["uid"] != "0" and identity["gid"] != "0", identity
        for caps in ("CapPrm:", "CapEff:", "CapBnd:", "CapAmb:"):
            assert int(identity[caps], 16) == 0, identity
        assert identity["NoNewPrivs:"] == "1", identity
        (agent,) = _containers(client, group, "agent")
        assert agent.attrs["HostConfig"]["CapDrop"] == ["ALL"]
        assert agent.attrs["Config"]["User"] == f"{identity['uid']}:{identity['gid']}"
    finally:
        for c in _containers(client, group):
            c.remove(force=True)
        _remove_networks(client, group)


# ---------------------------------------------------------------------------- 12: networks


def _host_addresses() -> list[str]:
    """The host's IPv4 addresses but loopback (Docker's bridge gateway, the host's own, ...)."""
    import re
    import subprocess

    listing = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, check=True).stdout
    found = [a for a in re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", listing) if not a.startswith("127.")]
    assert found, listing
    return found


def _address_of(container) -> str:
    container.reload()
    return next(n["IPAddress"] for n in container.attrs["NetworkSettings"]["Networks"].values() if n.get("IPAddress"))


def _fetch(agent, url: str, *curl_args: str) -> str:
    """The HTTP status an agent gets for `url` ('000' when it cannot connect)."""
    result = agent.exec_run(["curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", *curl_args, url], user="nonroot")
    return result.output.decode().strip()[-3:]


def test_each_run_has_its_own_network_reaching_neither_the_host_nor_other_runs(client, images, data_dir, tmp_path: Path) -> None:
    import http.server
    import urllib.request

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), Quiet)  # a service of the host's, on every address
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    runs = tmp_path / "runs"
    args = ("--agent", "waiter", "--competitions", TITANIC, "--n-seeds", "2", "--n-workers", "2", "--time-limit", "300")
    proc = _popen_run(data_dir, runs, tmp_path / "harness.log", *args)
    try:
        group, (a, b) = _wait_for_agents(client, runs, 2, proc)
        validators = {c.labels["org.mlebench-fast.run-id"]: c for c in _containers(client, group, "validator")}
        b_address = _address_of(validators[b.labels["org.mlebench-fast.run-id"]])
        b.exec_run(["python3", "-m", "http.server", "8000", "--bind", "0.0.0.0"], user="nonroot", detach=True)
        for _ in range(50):
            if _fetch(b, "http://127.0.0.1:8000/", "--noproxy", "*") == "200":
                break
        targets = [f"http://{h}:{port}/" for h in _host_addresses()] + [f"http://{b_address}:8000/"]
        for url in targets:
            assert _fetch(a, url, "--noproxy", "*") == "000", url  # no route
            assert _fetch(a, url) in ("000", "403"), url  # and the egress proxy refuses it
        assert _fetch(a, "http://localhost:5000/health") == "200"  # its validation server still answers
        try:  # egress: where the host reaches the internet, the agent does too (through its proxy)
            urllib.request.urlopen("https://pypi.org/simple/", timeout=10)
            online = True
        except OSError:
            online = False
        if online:
            assert _fetch(a, "https://pypi.org/simple/", "-m", "30") == "200"
        for agent in (a, b):
            agent.exec_run(["touch", "/home/code/release"], user="nonroot")
        assert proc.wait(timeout=120) == 0
    finally:
        server.shutdown()
        if proc.poll() is None:
            proc.kill()
    assert _containers(client, group) == []
    assert client.networks.list(filters={"label": f"{GROUP_LABEL}={group.resolve()}"}) == []
