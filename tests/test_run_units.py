"""The run harness's parts that need no Docker engine: GPU plans, container configs, agent
configs, run groups, make-submission, grade --run-group, output extraction and the
validation server (run in-process here; in a container in test_run.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from mlebench_fast.run.agents import BUILTIN_AGENTS_DIR, AgentError, check_privileged_allowed, get_agent, resolve_secrets
from mlebench_fast.run.config import (
    ConfigError,
    agent_create_kwargs,
    load_container_config,
    plan_gpus,
    validator_network_kwargs,
)
from mlebench_fast.run.harness import LineCutter
from mlebench_fast.run.limits import RunLimits
from mlebench_fast.run.outputs import FolderCopy, extract
from mlebench_fast.run.progress import Progress
from mlebench_fast.run.rungroup import FAILED, PENDING, SUCCEEDED, TIMED_OUT, RunGroup, RunGroupError, submission_entries
from mlebench_fast.run.runner import preparation_problems, read_competition_set
from mlebench_fast.run.validator import ValidationServer
from run_helpers import ANSWER_MARKER, CACTUS, TITANIC, make_titanic, titanic_ids

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        cwd=cwd,
    )


def test_help_on_every_run_command() -> None:
    for cmd in (["run"], ["make-submission"], ["env"], ["env", "build"], ["agents"], ["agents", "build"], ["agents", "list"]):
        result = cli(*cmd, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, (cmd, result.stderr)
    result = cli("agents", "list", "--agents-dir", str(BUILTIN_AGENTS_DIR))
    listed = result.stdout.split()
    # the shipped agents; aide's YAML anchor templates (vars, defaults, kwargs_common) are not agents
    assert result.returncode == 0 and listed[-1] == "dummy" and listed[0] == "aide" and len(listed) == 12
    assert not {"vars", "defaults", "kwargs_common"} & set(listed)


# ------------------------------------------------------------------ GPUs and container configs


def test_gpus_are_split_so_parallel_workers_never_share() -> None:
    assert plan_gpus(2, None, ["0", "1", "2", "3"]).per_worker == (("0", "1"), ("2", "3"))
    assert plan_gpus(3, 4, None).per_worker == (("0",), ("1",), ("2",))  # one left over
    plan = plan_gpus(1, 2, None)
    assert plan.for_worker(0) == ["0", "1"]
    assert plan_gpus(4, None, None).for_worker(3) == []


def test_sharing_gpus_must_be_asked_for() -> None:
    with pytest.raises(ConfigError, match="share a GPU"):
        plan_gpus(3, None, ["0", "1"])
    assert plan_gpus(3, None, ["0", "1"], share=True).per_worker == (("0",), ("1",), ("0",))
    with pytest.raises(ConfigError, match="either"):
        plan_gpus(1, 2, ["0"])
    with pytest.raises(ConfigError, match="twice"):
        plan_gpus(1, None, ["1", "1"])


def test_container_config_becomes_create_arguments() -> None:
    config = {"mem_limit": None, "shm_size": "4G", "nano_cpus": 4e9, "gpus": -1}
    kwargs, warnings = agent_create_kwargs(config, engine_cpus=2, gpu_ids=None)
    assert "mem_limit" not in kwargs and kwargs["shm_size"] == "4G"
    assert kwargs["nano_cpus"] == 2 * 10**9 and isinstance(kwargs["nano_cpus"], int) and warnings
    (request,) = kwargs["device_requests"]
    assert request["Count"] == -1 and request["Capabilities"] == [["gpu"]]
    # a worker's GPU ids replace the config's count
    kwargs, _ = agent_create_kwargs(config, engine_cpus=8, gpu_ids=["2", "3"])
    (request,) = kwargs["device_requests"]
    assert request["DeviceIDs"] == ["2", "3"] and kwargs["nano_cpus"] == 4 * 10**9
    kwargs, warnings = agent_create_kwargs({"nano_cpus": 1e9}, engine_cpus=2, gpu_ids=None)
    assert "device_requests" not in kwargs and not warnings


def test_network_settings_go_to_the_validator() -> None:
    assert validator_network_kwargs({"validator_network_mode": "none"}) == {"network_mode": "none"}
    assert validator_network_kwargs({"shm_size": "1G"}) == {}
    kwargs, _ = agent_create_kwargs({"validator_network_mode": "none", "shm_size": "1G"}, 2, None)
    assert kwargs == {"shm_size": "1G"}


def test_container_config_files(tmp_path: Path) -> None:
    assert load_container_config(None)["shm_size"] == "4G"
    bad = tmp_path / "bad.json"
    bad.write_text('{"volumes": {"/": {"bind": "/host"}}}')
    with pytest.raises(ConfigError, match="volumes"):
        load_container_config(bad)
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        load_container_config(bad)


# ------------------------------------------------------------------ agents


def _agent_dir(tmp_path: Path, config: str) -> Path:
    folder = tmp_path / "agents" / "myagent"
    folder.mkdir(parents=True)
    (folder / "start.sh").write_text("#!/bin/bash\n")
    (folder / "Dockerfile").write_text("FROM mlebench-env\n")
    (folder / "config.yaml").write_text(config)
    return tmp_path / "agents"


def test_the_shipped_dummy_agent() -> None:
    agent = get_agent("dummy", BUILTIN_AGENTS_DIR)
    assert agent.image == "mlebench-agent-dummy" and not agent.privileged
    assert agent.command() == ["bash", "/home/agent/start.sh"]


def test_agent_kwargs_and_secrets(tmp_path: Path) -> None:
    agents = _agent_dir(
        tmp_path,
        (
            "myagent:\n  start: myagent/start.sh\n  dockerfile: myagent/Dockerfile\n"
            "  kwargs: {steps: 3, model: gpt}\n  kwargs_type: argparse\n"
            "  env_vars: {API_KEY: '${{ secrets.MY_KEY }}', MODE: fast}\n"
            "myagent/omega:\n  start: myagent/start.sh\n  dockerfile: myagent/Dockerfile\n"
            "  kwargs: {steps: 3}\n  kwargs_type: omegaconf\n"
        ),
    )
    agent = get_agent("myagent", agents, environ={"MY_KEY": "s3cret"})
    assert agent.command() == ["bash", "/home/agent/start.sh", "--steps", "3", "--model", "gpt"]
    assert agent.env_vars == {"API_KEY": "s3cret", "MODE": "fast"}
    assert get_agent("myagent/omega", agents, environ={}).command()[-1] == "steps=3"
    with pytest.raises(AgentError, match="MY_KEY"):
        get_agent("myagent", agents, environ={})
    with pytest.raises(AgentError, match="known: myagent, myagent/omega"):
        get_agent("nope", agents)
    assert resolve_secrets({"a": 1, "b": "${{secrets.X}}"}, {"X": "y"}) == {"a": 1, "b": "y"}


def test_privileged_agents_need_the_users_consent(tmp_path: Path) -> None:
    agents = _agent_dir(tmp_path, "myagent:\n  start: myagent/start.sh\n  dockerfile: myagent/Dockerfile\n  privileged: true\n")
    agent = get_agent("myagent", agents)
    with pytest.raises(AgentError, match="I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS"):
        check_privileged_allowed(agent, {})
    with pytest.raises(AgentError):
        check_privileged_allowed(agent, {"I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS": "no"})
    check_privileged_allowed(agent, {"I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS": "True"})
    # and the command refuses before touching Docker or the data
    result = cli(
        "run",
        "--agent",
        "myagent",
        "--agents-dir",
        str(agents),
        "--competitions",
        TITANIC,
        "--data-dir",
        str(tmp_path / "nodata"),
        env={"I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS": ""},
    )
    assert result.returncode == 1 and "I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS" in result.stderr


def test_agent_files_must_stay_in_the_agent_folder(tmp_path: Path) -> None:
    agents = _agent_dir(tmp_path, "myagent:\n  start: ../../etc/passwd\n  dockerfile: myagent/Dockerfile\n")
    with pytest.raises(AgentError, match="outside"):
        get_agent("myagent", agents)


# ------------------------------------------------------------------ checks before a run


def test_every_unprepared_competition_is_named_before_anything_starts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    assert preparation_problems([TITANIC], data) == []
    (data / CACTUS / "prepared" / "public").mkdir(parents=True)
    problems = preparation_problems([TITANIC, CACTUS, "leaf-classification"], data)
    assert [p.split(":")[0] for p in problems] == [CACTUS, CACTUS, "leaf-classification", "leaf-classification"]
    result = cli(
        "run",
        "--agent",
        "dummy",
        "--agents-dir",
        str(BUILTIN_AGENTS_DIR),
        "--competitions",
        f"{TITANIC},{CACTUS}",
        "--data-dir",
        str(data),
        "--runs-dir",
        str(tmp_path / "runs"),
    )
    assert result.returncode == 1 and "not every competition is prepared" in result.stderr and CACTUS in result.stderr
    assert not (tmp_path / "runs").exists()


def test_run_needs_exactly_one_competition_selection(tmp_path: Path) -> None:
    result = cli("run", "--agent", "dummy", "--competitions", TITANIC, "--split", "dev")
    assert result.returncode == 1 and "exactly one" in result.stderr
    result = cli("run", "--agent", "dummy", "--agents-dir", str(BUILTIN_AGENTS_DIR), "--competitions", "no-such-thing")
    assert result.returncode == 1 and "unknown competition" in result.stderr
    sets = tmp_path / "set.txt"
    sets.write_text(f"# dev set\n{TITANIC}\n\n{CACTUS}  # a comment\n")
    assert read_competition_set(sets) == [TITANIC, CACTUS]


# ------------------------------------------------------------------ run groups


def test_run_group_layout_and_metadata(tmp_path: Path) -> None:
    group = RunGroup.create(tmp_path / "runs", "dummy", [TITANIC, CACTUS], 2, {"agent_id": "dummy"})
    assert group.name.endswith("_run-group_dummy")
    meta = json.loads((group.path / "metadata.json").read_text())
    assert len(meta["runs"]) == 4 and meta["run_group"] == group.name
    for run_id, run in meta["runs"].items():
        cid, _, rest = run_id.partition("_")
        assert cid == run["competition_id"] and uuid.UUID(rest) and (group.path / run_id).is_dir()
        assert run["status"] == PENDING and run["success"] is None
    assert sorted(r["seed"] for r in meta["runs"].values()) == [0, 0, 1, 1]
    first, second, *_ = group.runs
    group.update(first, status=SUCCEEDED)
    group.update(second, status=TIMED_OUT)
    meta = json.loads((group.path / "metadata.json").read_text())
    assert meta["runs"][first]["success"] is True and meta["runs"][second]["success"] is False
    assert len(group.unfinished()) == 2
    # one harness per group at a time
    with pytest.raises(RunGroupError, match="another"):
        RunGroup.open(group.path).lock()
    assert RunGroup.open(group.path).runs[first]["status"] == SUCCEEDED


def _group_with_submissions(tmp_path: Path, data: Path) -> Path:
    group = RunGroup.create(tmp_path / "runs", "dummy", [TITANIC], 2, {})
    good, missing = list(group.runs)
    sub = group.run_dir(good) / "submission" / "submission.csv"
    sub.parent.mkdir()
    sub.write_bytes((data / TITANIC / "prepared" / "public" / "sample_submission.csv").read_bytes())
    (group.run_dir(good) / "logs").mkdir()
    (group.run_dir(good) / "logs" / "agent.log").write_text("hi\n")
    group.update(good, status=SUCCEEDED)
    group.update(missing, status=FAILED, error="the agent exited with status 1")
    return group.path


def test_make_submission_writes_the_grading_jsonl(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    group = _group_with_submissions(tmp_path, data)
    result = cli("make-submission", "--run-group", str(group))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in (group / "submission.jsonl").read_text().splitlines()]
    assert [list(x) for x in lines] == [["competition_id", "submission_path", "logs_path", "code_path"]] * 2
    assert lines[0]["submission_path"].endswith("/submission/submission.csv") and Path(lines[0]["submission_path"]).is_absolute()
    assert lines[0]["logs_path"].endswith("/logs/agent.log") and lines[0]["code_path"] is None
    assert lines[1]["submission_path"] is None and lines[1]["competition_id"] == TITANIC
    out = tmp_path / "elsewhere" / "subs.jsonl"
    assert cli("make-submission", "--run-group", str(group), "--output", str(out)).returncode == 0
    assert out.read_text() == (group / "submission.jsonl").read_text()


def test_make_submission_reads_the_references_run_groups(tmp_path: Path) -> None:
    group = tmp_path / "2024-01-01T00-00-00-GMT_run-group_aide"
    run_id = f"{TITANIC}_{uuid.uuid4()}"
    (group / run_id / "submission").mkdir(parents=True)
    (group / run_id / "submission" / "submission.csv").write_text("PassengerId,Transported\n")
    (group / "metadata.json").write_text(json.dumps({"run_group": group.name, "runs": {run_id: {"success": True}}}))
    (entry,) = submission_entries(group)
    assert entry["competition_id"] == TITANIC and entry["submission_path"].startswith(str(group.resolve()))
    assert cli("make-submission", "--run-group", str(tmp_path)).returncode == 1


def test_grade_a_run_group_directly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    group = _group_with_submissions(tmp_path, data)
    result = cli("grade", "--run-group", str(group), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    (path,) = group.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert report["total_runs"] == 2 and report["total_runs_with_submissions"] == 1 and report["total_valid_submissions"] == 1
    assert report["competition_reports"][0]["score"] == round(16 / 24, 5)
    assert cli("grade", "--data-dir", str(data)).returncode == 1
    assert cli("grade", "--run-group", str(group), "--submission", "x.jsonl").returncode == 1


def test_progress_prints_a_line_per_event(tmp_path: Path) -> None:
    group = RunGroup.create(tmp_path / "runs", "dummy", [TITANIC], 1, {})
    (run_id,) = group.runs
    out = io.StringIO()
    with Progress(group, out=out, live=False) as progress:
        group.update(run_id, status="running")
        progress.event(run_id, "running")
        group.update(run_id, status=FAILED, error="the agent exited with status 2", duration_seconds=3.0)
        progress.event(run_id, FAILED)
    lines = out.getvalue().splitlines()
    assert "seed 0: running" in lines[0]
    assert "1/1 done" in lines[1] and "failed in 0:03 (the agent exited with status 2)" in lines[1]
    assert lines[-1].startswith("1/1 done")
    assert "1 failed" in progress.summary()


# ------------------------------------------------------------------ copying outputs out


def test_extraction_keeps_only_plain_files_inside_the_run(tmp_path: Path) -> None:
    archive = tmp_path / "out.tar"
    with tarfile.open(archive, "w") as tar:

        def add(name: str, data: bytes = b"x", **attrs) -> None:
            info = tarfile.TarInfo(name)
            for k, v in attrs.items():
                setattr(info, k, v)
            info.size = len(data) if info.type == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)

        add("submission", type=tarfile.DIRTYPE)
        add("submission/submission.csv", b"a,b\n")
        add("submission/answers.csv", type=tarfile.SYMTYPE, linkname="/data/private/test.csv")
        add("submission/hard.csv", type=tarfile.LNKTYPE, linkname="/etc/passwd")
        add("submission/../../escape.txt")
        add("/abs.txt")
        add("other/file.txt")
        add("submission/sub/deep.txt", b"deep")
    dest = tmp_path / "run"
    dest.mkdir()
    copy = FolderCopy(max_bytes=2**20, max_files=100)
    with open(archive, "rb") as f:
        extract(iter(lambda: f.read(7), b""), dest, "submission", copy)  # read as a stream, in small chunks
    assert (copy.files, copy.bytes) == (2, len(b"a,b\n") + len(b"deep"))
    reasons = {s["path"]: s["reason"] for s in copy.skipped}
    assert reasons["submission/answers.csv"].startswith("a symbolic link") and reasons["submission/hard.csv"].startswith(
        "a hard link"
    )
    assert reasons["submission/../../escape.txt"] == reasons["/abs.txt"] == reasons["other/file.txt"] == "outside the folder"
    # a run folder deleted meanwhile is not made again (nor its run group's)
    with open(archive, "rb") as f, pytest.raises(FileNotFoundError):
        extract(iter(lambda: f.read(7), b""), tmp_path / "deleted" / "run", "submission", copy)
    assert not (tmp_path / "deleted").exists()
    assert (dest / "submission" / "submission.csv").read_bytes() == b"a,b\n"
    assert (dest / "submission" / "sub" / "deep.txt").read_bytes() == b"deep"
    assert not (dest / "submission" / "answers.csv").exists() and not (dest / "submission" / "answers.csv").is_symlink()
    assert not (dest / "submission" / "hard.csv").exists() and not (dest / "other").exists()
    assert not (tmp_path / "escape.txt").exists()


def test_agent_output_lines_are_cut_at_the_maximum_and_split_across_chunks() -> None:
    cutter = LineCutter(max_line=5)
    assert cutter.feed(b"ab") == [] and cutter.feed(b"c\r\n0123456789") == ["abc"]
    assert cutter.feed(b"xyz\nlast") == ["01234 [line cut: 8 more bytes]"]
    assert cutter.end() == ["last"] and cutter.end() == []


def test_limits_come_from_the_container_config_and_bad_ones_are_named() -> None:
    limits = RunLimits.from_config({"output_max_bytes": "20M", "output_max_files": 50, "log_max_line": None, "shm_size": "1G"})
    assert (limits.output_max_bytes, limits.output_max_files, limits.log_max_line) == (20 * 2**20, 50, RunLimits().log_max_line)
    small = RunLimits().for_validator(answers_bytes=1000, sample_bytes=2000)
    assert small.max_upload == 64 * 2**20 and small.tmpfs_bytes > small.max_upload and small.mem_bytes > small.tmpfs_bytes
    assert RunLimits().for_validator(answers_bytes=100 * 2**20, sample_bytes=10).max_upload == 400 * 2**20
    for bad in ({"output_max_files": "many"}, {"validator_max_upload": -1}, {"log_max_line": True}):
        with pytest.raises(ValueError, match=f"container config: {next(iter(bad))} must be"):
            RunLimits.from_config(bad)


# ------------------------------------------------------------------ the validation server


@pytest.fixture()
def server(tmp_path: Path):
    data = tmp_path / "data"
    make_titanic(data)
    srv = ValidationServer(("127.0.0.1", 0), TITANIC, data, max_upload=2**20)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", data
    srv.shutdown()
    srv.server_close()


def _post(url: str, body: bytes, content_type: str) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _multipart(field: str, content: bytes, filename: str = "submission.csv") -> tuple[bytes, str]:
    boundary = "----mlebenchtest" + uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_validate_answers_valid_or_invalid_and_never_a_score(server) -> None:
    url, data = server
    good = (data / TITANIC / "prepared" / "public" / "sample_submission.csv").read_bytes()
    status, answer = _post(url + "/validate", *_multipart("file", good))
    assert status == 200 and answer == {"valid": True, "result": "Submission is valid."}
    # the raw file as the body works too
    assert _post(url + "/validate", good, "text/csv") == (200, answer)
    # a perfect submission is just as "valid": nothing hints at the score
    perfect = (data / TITANIC / "prepared" / "private" / "test.csv").read_bytes()
    assert ANSWER_MARKER in perfect
    assert _post(url + "/validate", *_multipart("file", perfect)) == (200, answer)
    wrong_ids = b"PassengerId,Transported\n" + b"".join(f"x{i},False\n".encode() for i in titanic_ids())
    status, answer = _post(url + "/validate", *_multipart("file", wrong_ids))
    assert status == 200 and set(answer) == {"valid", "result"} and answer["valid"] is False
    assert answer["result"].startswith("Submission invalid! ") and len(answer["result"]) > 25
    status, answer = _post(url + "/validate", *_multipart("file", b"\x00\x01binary"))
    assert status == 200 and answer["valid"] is False


def test_validate_rejects_malformed_requests(server) -> None:
    url, _ = server
    boundary = "b0undary"
    only_text = f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--{boundary}--\r\n'.encode()
    status, answer = _post(url + "/validate", only_text, f"multipart/form-data; boundary={boundary}")
    assert status == 400 and "file" in answer["error"]
    assert _post(url + "/validate", b"x", "multipart/form-data")[0] == 400  # no boundary
    body, ctype = _multipart("file", b"a\n")
    assert _post(url + "/validate", body[: len(body) // 2], ctype)[0] == 400  # truncated
    assert _post(url + "/nope", b"", "text/csv")[0] == 404
    with urllib.request.urlopen(url + "/health", timeout=10) as resp:
        assert json.loads(resp.read()) == {"status": "running"}


def test_grade_several_run_groups_in_one_job(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    first = _group_with_submissions(tmp_path / "a", data)
    second = _group_with_submissions(tmp_path / "b", data)
    out = tmp_path / "reports"
    # several groups need --output-dir for the combined report
    assert cli("grade", "--run-groups", str(first), "--run-groups", str(second), "--data-dir", str(data)).returncode == 1
    result = cli(
        "grade",
        "--run-groups",
        str(tmp_path / "*" / "runs" / "*_run-group_*"),
        "--data-dir",
        str(data),
        "--output-dir",
        str(out),
        "--no-cache",
    )
    assert result.returncode == 0, result.stderr
    (combined,) = out.glob("*_grading_report.json")
    assert json.loads(combined.read_text())["total_runs"] == 4
    own = sorted(out.glob("*/*_grading_report.json"))
    assert len(own) == 2, "one report per group, even when two groups share a name"
    for path in own:
        report = json.loads(path.read_text())
        assert report["total_runs"] == 2 and report["total_valid_submissions"] == 1
    assert (
        cli("grade", "--run-groups", str(tmp_path / "nothing-*"), "--data-dir", str(data), "--output-dir", str(out)).returncode
        == 1
    )


# ------------------------------------------------------------------ newcomers: agents, re-grading, the reference's names


def test_built_in_agents_ship_in_the_package_and_are_found_from_any_folder(tmp_path: Path) -> None:
    import mlebench_fast

    assert BUILTIN_AGENTS_DIR == Path(mlebench_fast.__file__).resolve().parent / "agents"
    env = {"MLEBENCH_FAST_AGENTS_DIR": ""}
    # from a folder with no ./agents: the built-in dummy, and where it comes from
    result = cli("agents", "list", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split()
    assert ["dummy", str(BUILTIN_AGENTS_DIR)] == listed[-2:] and ["aide", str(BUILTIN_AGENTS_DIR)] == listed[:2]
    assert get_agent("dummy").folder == BUILTIN_AGENTS_DIR / "dummy"
    # ./agents comes first: its dummy is the one used
    own = tmp_path / "agents" / "dummy"
    own.mkdir(parents=True)
    (own / "config.yaml").write_text("dummy:\n  start: dummy/start.sh\n  dockerfile: dummy/Dockerfile\n")
    (own / "start.sh").write_text("#!/bin/bash\n")
    (own / "Dockerfile").write_text("FROM mlebench-env\n")
    result = cli("agents", "list", cwd=tmp_path, env=env)
    listed = result.stdout.split()
    # ./agents' dummy shadows the built-in one; the built-in aide variants follow
    assert listed[:2] == ["dummy", "agents"] and listed.count("dummy") == 1 and "aide" in listed, result.stdout
    # none found: say where we looked
    result = cli("agents", "list", cwd=tmp_path, env={"MLEBENCH_FAST_AGENTS_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: no agents found; looked in {tmp_path / 'nowhere'} (absent); pass --agents-dir or set MLEBENCH_FAST_AGENTS_DIR"
    )
    result = cli("run", "--agent", "nope", "--competitions", TITANIC, cwd=tmp_path, env=env)
    assert result.returncode == 1 and "no agent `nope` found (known: dummy, " in result.stderr, result.stderr
    assert "; looked in agents" in result.stderr, result.stderr
    assert str(BUILTIN_AGENTS_DIR) in result.stderr


def test_run_accepts_the_references_agent_id(tmp_path: Path) -> None:
    result = cli(
        "run", "--agent-id", "no-such-agent", "--competitions", TITANIC, cwd=tmp_path, env={"MLEBENCH_FAST_AGENTS_DIR": ""}
    )
    assert result.returncode == 1 and "no agent `no-such-agent` found" in result.stderr, result.stderr


def test_make_submission_accepts_the_references_metadata_option(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    group = _group_with_submissions(tmp_path, data)
    result = cli("make-submission", "--metadata", str(group / "metadata.json"), "--output", str(tmp_path / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    result = cli("make-submission", "--metadata", str(group / "other.json"))
    assert result.returncode == 1 and "metadata.json" in result.stderr


def test_grading_a_run_group_again_replaces_its_older_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    group = _group_with_submissions(tmp_path, data)
    assert cli("grade", "--run-group", str(group), "--data-dir", str(data)).returncode == 0
    (first,) = group.glob("*_grading_report.json")
    first.rename(group / "2020-01-01T00-00-00-GMT_grading_report.json")  # as if graded long ago
    other = group / "notes_grading_report.json"  # not named as grade names its reports: left alone
    other.write_text("{}")
    # the reference's report has the same kind of name but no `error` fields: left alone too
    reference = group / "2019-01-01T00-00-00-GMT_grading_report.json"
    old = json.loads((group / "2020-01-01T00-00-00-GMT_grading_report.json").read_text())
    for r in old["competition_reports"]:
        del r["error"]
    reference.write_text(json.dumps(old))
    result = cli("grade", "--run-group", str(group), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    assert "replaced the older report 2020-01-01T00-00-00-GMT_grading_report.json" in result.stdout
    reports = sorted(p.name for p in group.glob("*_grading_report.json"))
    assert len(reports) == 3 and reference.name in reports and "notes_grading_report.json" in reports, reports
    assert "2020-01-01T00-00-00-GMT_grading_report.json" not in reports
    other.unlink()
    reference.unlink()
    # and `report` reads the group without complaint
    result = cli(
        "report", "--runs-dir", str(group.parent), "--split", "dev", "--pad-missing", "--output-dir", str(tmp_path / "rep")
    )
    assert result.returncode == 0, result.stderr
    assert "grading reports" not in result.stdout


def test_grading_a_run_group_with_missing_answers_fails_loudly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    group = _group_with_submissions(tmp_path, data)
    result = cli("grade", "--run-group", str(group), "--data-dir", str(tmp_path / "typo"))
    assert result.returncode == 1
    assert f"error: {TITANIC}: answers not found at {tmp_path / 'typo'}" in result.stderr
    (path,) = group.glob("*_grading_report.json")
    report = json.loads(path.read_text())
    assert report["total_runs"] == 0 and len(report["grader_errors"]) == 2


def test_a_git_lfs_pointer_for_run_group_metadata_is_named(tmp_path: Path) -> None:
    group = tmp_path / "2024-09-06T18-25-55-UTC_run-group_aide"
    group.mkdir()
    (group / "metadata.json").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 12\n")
    with pytest.raises(RunGroupError, match="is a Git LFS pointer, not the file itself: run `git lfs pull`"):
        list(submission_entries(group))
