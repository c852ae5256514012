"""`mlebench-fast run` against the real Docker engine: the images are built here (cached
when up to date), then agents run in real containers on synthetic prepared competitions.
Skipped, with a message, when no Docker engine is reachable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlebench_fast.run.agents import BUILTIN_AGENTS_DIR
from run_helpers import ANSWER_MARKER, CACTUS, TITANIC, make_cactus, make_titanic, sha256

REPO = Path(__file__).resolve().parents[1]
TEST_AGENTS = Path(__file__).resolve().parent / "agents"
GROUP_LABEL = "org.mlebench-fast.run-group"
ROLE_LABEL = "org.mlebench-fast.role"


def cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


@pytest.fixture(scope="session")
def client():
    try:
        import docker

        c = docker.from_env()
        c.ping()
    except Exception as e:  # any failure to reach the engine
        pytest.skip(f"SKIPPED: no Docker engine reachable ({type(e).__name__}: {e}); the run tests need one")
    yield c
    c.close()


@pytest.fixture(scope="session")
def images(client) -> None:
    """Build everything the tests run: mlebench-env, mlebench-validator, the dummy agent and
    the test agents (each a no-op when up to date)."""
    base = os.environ.get("MLEBENCH_FAST_TEST_BASE_IMAGE")  # where debootstrap cannot run
    steps = [
        ("env", "build", *(["--base", base] if base else [])),
        ("agents", "build", "dummy", "--agents-dir", str(BUILTIN_AGENTS_DIR)),
        ("agents", "build", "probe", "--agents-dir", str(TEST_AGENTS)),
    ]
    for step in steps:
        start = time.perf_counter()
        result = cli(*step, timeout=3000)
        assert result.returncode == 0, f"{' '.join(step)} failed:\n{result.stderr[-4000:]}"
        print(f"{' '.join(step[:2])}: {time.perf_counter() - start:.0f}s")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("data")
    make_titanic(data)
    make_cactus(data)
    return data


def _run(
    data_dir: Path, runs: Path, *args: str, agents: Path = TEST_AGENTS, timeout: float = 600
) -> tuple[subprocess.CompletedProcess[str], Path | None]:
    result = cli("run", "--agents-dir", str(agents), "--data-dir", str(data_dir), "--runs-dir", str(runs), *args, timeout=timeout)
    groups = sorted(runs.glob("*_run-group_*"))
    return result, (groups[-1] if groups else None)


def _metadata(group: Path) -> dict:
    return json.loads((group / "metadata.json").read_text())


def _containers(client, group: Path, role: str | None = None) -> list:
    labels = [f"{GROUP_LABEL}={group.resolve()}"] + ([f"{ROLE_LABEL}={role}"] if role else [])
    return client.containers.list(all=True, filters={"label": labels}, ignore_removed=True)


def _remove_networks(client, group: Path) -> None:
    for network in client.networks.list(filters={"label": f"{GROUP_LABEL}={group.resolve()}"}):
        network.remove()


def _wait_for_agents(client, runs: Path, count: int, proc: subprocess.Popen, timeout: float = 180) -> tuple[Path, list]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the harness ended before its agents started"
        groups = sorted(runs.glob("*_run-group_*"))
        if groups:
            running = [c for c in _containers(client, groups[-1], "agent") if c.status == "running"]
            if len(running) >= count:
                return groups[-1], running
        time.sleep(0.5)
    raise AssertionError(f"{count} agent container(s) did not start within {timeout:.0f}s")


def _popen_run(data_dir: Path, runs: Path, log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlebench_fast.cli",
            "run",
            "--agents-dir",
            str(TEST_AGENTS),
            "--data-dir",
            str(data_dir),
            "--runs-dir",
            str(runs),
            *args,
        ],
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )


# ---------------------------------------------------------------------------- the dummy agent


def test_dummy_agent_end_to_end_then_graded_valid(client, images, data_dir: Path, tmp_path: Path) -> None:
    result, group = _run(
        data_dir,
        tmp_path / "runs",
        "--agent",
        "dummy",
        "--competitions",
        TITANIC,
        "--n-seeds",
        "2",
        "--n-workers",
        "2",
        agents=BUILTIN_AGENTS_DIR,
    )
    assert result.returncode == 0, result.stderr
    assert group is not None and group.name.endswith("_run-group_dummy") and f"Run group: {group}" in result.stdout
    meta = _metadata(group)
    assert meta["run_group"] == group.name and len(meta["runs"]) == 2
    assert sorted(r["seed"] for r in meta["runs"].values()) == [0, 1]
    for run_id, run in meta["runs"].items():
        assert run_id.startswith(f"{TITANIC}_") and run["status"] == "succeeded" and run["success"] is True, run
        assert run["exit_code"] == 0 and run["duration_seconds"] > 0 and run["started_at"] and run["ended_at"]
        run_dir = group / run_id
        for part in ("submission/submission.csv", "logs/agent.log", "code/train.py", "run.log", "validator.log"):
            assert (run_dir / part).is_file(), part
        report = json.loads((run_dir / "logs" / "dummy_report.json").read_text())
        assert report["user"] == "nonroot" and report["uid"] != 0
        assert report["validation"] == {"valid": True, "result": "Submission is valid."}
        assert report["answers_visible"] == [] and report["data_read_only"] is True and report["instructions"] is True
        assert "[agent] all checks passed" in (run_dir / "run.log").read_text()
    assert _containers(client, group) == []

    graded = cli("grade", "--run-group", str(group), "--data-dir", str(data_dir))
    assert graded.returncode == 0, graded.stderr
    (report_path,) = group.glob("*_grading_report.json")
    report = json.loads(report_path.read_text())
    assert report["total_runs"] == 2 and report["total_valid_submissions"] == 2
    assert all(r["valid_submission"] and r["score"] is not None for r in report["competition_reports"])
    made = cli("make-submission", "--run-group", str(group))
    assert made.returncode == 0 and len((group / "submission.jsonl").read_text().splitlines()) == 2


# ---------------------------------------------------------------------------- limits and failures


def test_an_agent_past_the_time_limit_is_stopped_and_its_outputs_kept(client, images, data_dir: Path, tmp_path: Path) -> None:
    start = time.monotonic()
    result, group = _run(data_dir, tmp_path / "runs", "--agent", "sleeper", "--competitions", TITANIC, "--time-limit", "4")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 90
    ((run_id, run),) = _metadata(group)["runs"].items()
    assert run["status"] == "timed_out" and run["success"] is False
    assert 4 <= run["duration_seconds"] < 40 and run["submission_exists"] is True
    assert (group / run_id / "submission" / "submission.csv").is_file()
    assert (group / run_id / "logs" / "progress.txt").read_text() == "partial\n"
    assert "time limit of 4s reached" in (group / run_id / "run.log").read_text()
    assert _containers(client, group) == []


def test_a_failed_run_never_stops_the_others(client, images, data_dir: Path, tmp_path: Path) -> None:
    result, group = _run(data_dir, tmp_path / "runs", "--agent", "flaky", "--competitions", f"{CACTUS},{TITANIC}")
    assert result.returncode == 0, result.stderr
    by_comp = {r["competition_id"]: r for r in _metadata(group)["runs"].values()}
    assert by_comp[CACTUS]["status"] == "failed" and by_comp[CACTUS]["error"] == "the agent exited with status 3"
    assert by_comp[TITANIC]["status"] == "succeeded"
    assert "failed" in result.stdout and _containers(client, group) == []


# ---------------------------------------------------------------------------- sealed answers


SCAN = r"""
import hashlib, json, os, sys
want, marker = sys.argv[1], sys.argv[2].encode()
skip = {"/proc", "/sys", "/dev"}
hits, scanned, unreadable = [], 0, 0
for root, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in skip]
    # where answers would sit: the reference mounted them at /private/data/<id>/prepared/private
    hits += [os.path.join(root, d) for d in dirs
             if os.path.join(root, d) == "/private" or os.path.join(root, d).endswith("/prepared/private")]
    for name in files:
        path = os.path.join(root, name)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        scanned += 1
        try:
            if os.path.getsize(path) > 64 * 2**20:
                continue
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            unreadable += 1
            continue
        if marker in data or hashlib.sha256(data).hexdigest() == want:
            hits.append(path)
print(json.dumps({"scanned": scanned, "hits": hits, "unreadable": unreadable}))
"""


def _scan(container, answers: Path, user: str) -> dict:
    code, out = container.exec_run(["python3", "-c", SCAN, sha256(answers), ANSWER_MARKER.decode()], user=user)
    assert code == 0, out.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


def _post_from(container, path: str) -> dict:
    code, out = container.exec_run(["bash", "/home/validate_submission.sh", path], user="nonroot")
    assert code == 0, out.decode()
    return json.loads(out.decode())


def test_answers_cannot_be_found_or_read_from_the_agent_container(client, images, data_dir: Path, tmp_path: Path) -> None:
    answers = data_dir / TITANIC / "prepared" / "private" / "test.csv"
    runs = tmp_path / "runs"
    proc = _popen_run(
        data_dir, runs, tmp_path / "harness.log", "--agent", "waiter", "--competitions", TITANIC, "--time-limit", "300"
    )
    try:
        group, (agent,) = _wait_for_agents(client, runs, 1, proc)
        (validator,) = _containers(client, group, "validator")
        # only the public data is mounted into the agent, read-only
        mounts = agent.attrs["Mounts"]
        assert [(m["Destination"], m["RW"]) for m in mounts] == [("/home/data", False)]
        assert Path(mounts[0]["Source"]) == (data_dir / TITANIC / "prepared" / "public").resolve()
        assert agent.attrs["HostConfig"]["NetworkMode"] == f"container:{validator.id}"
        # nothing in the agent's filesystem is the answers file or holds its content, for the
        # agent's user and even for root; the same scan does find them in the validator
        for user in ("nonroot", "root"):
            scan = _scan(agent, answers, user)
            assert scan["hits"] == [] and scan["scanned"] > 1000, (user, scan)
        assert answers.name in {Path(p).name for p in _scan(validator, answers, "root")["hits"]}
        assert agent.exec_run(["ls", "/private"]).exit_code != 0
        # the validation service answers valid/invalid with the reason, never a score
        valid = _post_from(agent, "/home/submission/submission.csv")
        assert valid == {"valid": True, "result": "Submission is valid."}
        agent.exec_run(["bash", "-c", "head -3 /home/data/sample_submission.csv > /tmp/short.csv"], user="nonroot")
        invalid = _post_from(agent, "/tmp/short.csv")
        assert set(invalid) == {"valid", "result"} and invalid["valid"] is False and "invalid" in invalid["result"]
        health = agent.exec_run(["curl", "-fsS", "http://localhost:5000/health"], user="nonroot")
        assert json.loads(health.output) == {"status": "running"}
        agent.exec_run(["touch", "/home/code/release"], user="nonroot")
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    (run,) = _metadata(group)["runs"].values()
    assert run["status"] == "succeeded"
    assert _containers(client, group) == []


# ---------------------------------------------------------------------------- interruptions


def test_killing_the_harness_then_resuming_leaves_no_containers(client, images, data_dir: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    proc = _popen_run(
        data_dir,
        runs,
        tmp_path / "harness.log",
        "--agent",
        "sleeper",
        "--competitions",
        TITANIC,
        "--n-seeds",
        "2",
        "--n-workers",
        "2",
        "--time-limit",
        "600",
    )
    try:
        group, _ = _wait_for_agents(client, runs, 2, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(_containers(client, group)) == 6  # two agents, two validators, two egress proxies: orphaned
    assert {r["status"] for r in _metadata(group)["runs"].values()} == {"running"}

    result, _ = _run(data_dir, runs, "--resume", str(group), "--time-limit", "3")
    assert result.returncode == 0, result.stderr
    assert "removed 6 container(s)" in result.stderr
    assert _containers(client, group) == []
    assert client.networks.list(filters={"label": f"{GROUP_LABEL}={group.resolve()}"}) == []
    meta = _metadata(group)
    assert {r["status"] for r in meta["runs"].values()} == {"timed_out"}
    assert all((group / rid / "submission" / "submission.csv").is_file() for rid in meta["runs"])
    # a finished group has nothing left to do
    again, _ = _run(data_dir, runs, "--resume", str(group))
    assert again.returncode == 0 and "0 of 2 run(s) to do" in again.stderr


def test_ctrl_c_removes_the_containers_and_the_group_can_be_resumed(client, images, data_dir: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    proc = _popen_run(
        data_dir, runs, tmp_path / "harness.log", "--agent", "sleeper", "--competitions", TITANIC, "--time-limit", "600"
    )
    try:
        group, _ = _wait_for_agents(client, runs, 1, proc)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=90) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _containers(client, group) == []
    (run,) = _metadata(group)["runs"].values()
    assert run["status"] == "interrupted"
    result, _ = _run(data_dir, runs, "--resume", group.name, "--time-limit", "2")
    assert result.returncode == 0, result.stderr
    (run,) = _metadata(group)["runs"].values()
    assert run["status"] == "timed_out"


# ---------------------------------------------------------------------------- GPUs and --retain


def test_each_worker_gets_its_own_gpus_and_retain_keeps_containers(client, images, data_dir: Path, tmp_path: Path) -> None:
    result, group = _run(
        data_dir,
        tmp_path / "runs",
        "--agent",
        "flaky",
        "--competitions",
        TITANIC,
        "--n-seeds",
        "2",
        "--n-workers",
        "2",
        "--gpu-ids",
        "0,1",
        "--retain",
    )
    try:
        assert result.returncode == 0, result.stderr
        agents = _containers(client, group, "agent")
        assert len(agents) == 2 and len(_containers(client, group, "validator")) == 2
        assigned = sorted(tuple(c.attrs["HostConfig"]["DeviceRequests"][0]["DeviceIDs"]) for c in agents)
        assert assigned == [("0",), ("1",)]
        assert all(c.status != "running" for c in _containers(client, group))
        runs = _metadata(group)["runs"].values()
        assert sorted(tuple(r["gpu_ids"]) for r in runs) == [("0",), ("1",)]
        # without GPUs on this machine the engine refuses the device request: a failed run
        # with the engine's reason; with GPUs the agent runs and succeeds
        for r in runs:
            assert r["status"] == "succeeded" or (r["status"] == "failed" and r["error"]), r
    finally:
        for c in _containers(client, group):
            c.remove(force=True)
        _remove_networks(client, group)  # kept with the containers


def test_an_offline_run_still_reaches_its_validation_server(client, images, data_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "offline.json"
    config.write_text(json.dumps({"shm_size": "1G", "validator_network_mode": "none"}))
    result, group = _run(
        data_dir,
        tmp_path / "runs",
        "--agent",
        "dummy",
        "--competitions",
        TITANIC,
        "--container-config",
        str(config),
        "--retain",
        agents=BUILTIN_AGENTS_DIR,
    )
    try:
        assert result.returncode == 0, result.stderr
        ((run_id, run),) = _metadata(group)["runs"].items()
        assert run["status"] == "succeeded", (group / run_id / "run.log").read_text()
        (validator,) = _containers(client, group, "validator")
        (agent,) = _containers(client, group, "agent")
        assert validator.attrs["HostConfig"]["NetworkMode"] == "none"
        assert agent.attrs["HostConfig"]["ShmSize"] == 2**30
    finally:
        for c in _containers(client, group):
            c.remove(force=True)


# ---------------------------------------------------------------------------- the texts agents read


def test_the_agent_reads_the_texts_its_run_records(client, images, tmp_path: Path, monkeypatch) -> None:
    """With the texts 'fetched' (a manifest whose hashes the test passes in: the image's
    instructions and synthetic descriptions), the agent's container holds exactly those bytes,
    `--obfuscated` swaps in the obfuscated ones (OBFUSCATE=true) and metadata.json records the
    reference's commit and sha256 for each run; without them it records "own"."""
    import hashlib

    from mlebench_fast import texts
    from mlebench_fast.run.runner import image_file

    # what the agent's image holds (env build put it there: checked at the end)
    shipped = {o: image_file(client, "mlebench-agent-probe", texts.INSTRUCTIONS_IN_IMAGE[o]) for o in (False, True)}
    data = tmp_path / "data"
    make_titanic(data)
    public = data / TITANIC / "prepared" / "public"
    described = {False: "# Synthetic reference description\n".encode(), True: b"# Task\n\nobfuscated\n"}
    for o, name in texts.DESCRIPTION_FILES.items():
        (public / name).write_bytes(described[o])
    files = {texts.instructions_path(o): shipped[o] for o in (False, True)}
    files |= {texts.description_path(TITANIC, o): described[o] for o in (False, True)}
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "repository": "openai/mle-bench",
                "commit": "c0ffee",
                "raw_url": "http://127.0.0.1:9/{path}",
                "files": {p: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for p, d in files.items()},
            }
        )
    )
    with monkeypatch.context() as m:
        m.setenv(texts.MANIFEST_ENV, str(manifest))
        for obfuscated in (False, True):
            runs = tmp_path / f"runs-{obfuscated}"
            result, group = _run(
                data, runs, "--agent", "reader", "--competitions", TITANIC, *(["--obfuscated"] if obfuscated else [])
            )
            assert result.returncode == 0, result.stderr
            assert "not comparable" not in result.stderr
            ((run_id, run),) = _metadata(group)["runs"].items()
            assert run["status"] == "succeeded", (group / run_id / "run.log").read_text()
            logs = group / run_id / "logs"
            assert (logs / "instructions.txt").read_bytes() == shipped[obfuscated]
            assert (logs / "description.md").read_bytes() == described[obfuscated]
            assert (logs / "obfuscate.txt").read_text().strip() == ("true" if obfuscated else "unset")
            assert run["texts"]["obfuscated"] is obfuscated
            for kind, path, data_ in (
                ("instructions", texts.instructions_path(obfuscated), shipped[obfuscated]),
                ("description", texts.description_path(TITANIC, obfuscated), described[obfuscated]),
            ):
                assert run["texts"][kind] == {
                    "source": "reference",
                    "repository": "openai/mle-bench",
                    "commit": "c0ffee",
                    "path": path,
                    "sha256": hashlib.sha256(data_).hexdigest(),
                }
    # the shipped manifest: none of these bytes are the reference's
    result, group = _run(data, tmp_path / "runs-own", "--agent", "reader", "--competitions", TITANIC)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("not comparable with the MLE-bench leaderboard") == 1
    (run,) = _metadata(group)["runs"].values()
    assert run["texts"]["instructions"]["source"] == "own" and run["texts"]["description"]["source"] == "own"
    # env build put the texts module's instructions into the image the agent's is built on
    assert shipped == {o: texts.instructions_bytes(o) for o in (False, True)}
