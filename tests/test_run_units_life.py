"""Issue 21's configuration and grading items that need no container: the checks run before
any container exists (a resumed group's container config, settings that need the consent
variable) and `grade --run-group` (the stored data dir, links out of the group)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlebench_fast.run.agents import PRIVILEGED_ENV
from mlebench_fast.run import config as config_
from mlebench_fast.run.rungroup import RunGroup, submission_entries
from run_helpers import TITANIC, make_titanic

# an agent whose image is never built: a run that passes every check stops at the missing image
AGENT_CONFIG = "sealcheck:\n  start: sealcheck/start.sh\n  dockerfile: sealcheck/Dockerfile\n"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != PRIVILEGED_ENV}
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**environ, "COLUMNS": "200", **(env or {})},
    )


def _agents(tmp_path: Path) -> Path:
    folder = tmp_path / "agents" / "sealcheck"
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(AGENT_CONFIG)
    (folder / "Dockerfile").write_text("FROM mlebench-env\n")
    (folder / "start.sh").write_text("#!/bin/bash\n")
    return folder.parent


# ---------------------------------------------------------------------------- 9: --resume


def test_resume_checks_the_stored_container_config_as_container_config_does(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    agents = _agents(tmp_path)
    private = str((data / TITANIC / "prepared" / "private").resolve())
    edited = {"pid_mode": "host", "user": "0", "volumes": {private: {"bind": "/home/answers", "mode": "ro"}}}
    settings = {"agent_id": "sealcheck", "competition_ids": [TITANIC], "data_dir": str(data), "container_config": edited}
    group = RunGroup.create(tmp_path / "runs", "sealcheck", [TITANIC], 1, settings)
    group.path.joinpath(".lock").unlink()  # as another process left it
    result = cli("run", "--resume", str(group.path), "--agents-dir", str(agents))
    assert result.returncode == 1
    assert f"container config in {group.path / 'metadata.json'} may not set pid_mode, user, volumes" in result.stderr
    # the same config given with --container-config is refused in the same words
    config = tmp_path / "edited.json"
    config.write_text(json.dumps(edited))
    fresh = cli(
        "run", "--agent", "sealcheck", "--agents-dir", str(agents), "--competitions", TITANIC, "--container-config", str(config)
    )
    assert fresh.returncode == 1 and f"container config {config} may not set pid_mode, user, volumes" in fresh.stderr
    # and a stored config that weakens the seal needs the consent variable on resume too
    metadata = json.loads((group.path / "metadata.json").read_text())
    metadata["settings"]["container_config"] = {"cap_add": ["ALL"]}
    (group.path / "metadata.json").write_text(json.dumps(metadata))
    result = cli("run", "--resume", str(group.path), "--agents-dir", str(agents))
    assert (
        result.returncode == 1
        and f"sets cap_add ALL, which can give the agent control of the host; set {PRIVILEGED_ENV}=true" in (result.stderr)
    )


# ---------------------------------------------------------------------------- 11: consent


RISKY = [
    ({"cap_add": ["ALL"]}, "cap_add ALL"),
    ({"cap_add": ["CAP_SYS_ADMIN"]}, "cap_add SYS_ADMIN"),
    ({"security_opt": ["seccomp=unconfined"]}, "security_opt seccomp=unconfined"),
    ({"security_opt": ["apparmor:unconfined"]}, "security_opt apparmor:unconfined"),
    ({"devices": ["/dev/sda:/dev/sda:rwm"]}, "devices"),
    ({"validator_network_mode": "host"}, "validator_network_mode host"),
    ({"userns_mode": "host"}, "userns_mode host"),
]


@pytest.mark.parametrize(("config", "named"), RISKY)
def test_settings_that_weaken_the_seal_need_the_consent_variable(config: dict, named: str) -> None:
    assert config_.privileged_settings(config) == [named]
    with pytest.raises(
        config_.ConfigError, match=f"sets {named}, which can give the agent control of the host; set {PRIVILEGED_ENV}=true"
    ):
        config_.check_container_config(config, "x.json", environ={})
    assert config_.check_container_config(config, "x.json", environ={PRIVILEGED_ENV: "true"}) == config


def test_ordinary_settings_need_no_consent() -> None:
    ordinary = {"cap_add": ["NET_BIND_SERVICE"], "security_opt": ["apparmor=docker-default"], "mem_limit": "2g", "shm_size": "1G"}
    assert config_.privileged_settings(ordinary) == []
    assert config_.check_container_config(ordinary, "x.json", environ={}) == ordinary


def test_run_refuses_a_risky_container_config_before_anything_starts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    agents = _agents(tmp_path)
    config = tmp_path / "risky.json"
    config.write_text(json.dumps({"cap_add": ["ALL"], "security_opt": ["seccomp=unconfined"], "validator_network_mode": "host"}))
    args = ("run", "--agent", "sealcheck", "--agents-dir", str(agents), "--competitions", TITANIC)
    args += ("--data-dir", str(data), "--runs-dir", str(tmp_path / "runs"), "--container-config", str(config))
    refused = cli(*args)
    assert refused.returncode == 1, refused.stderr
    assert "sets cap_add ALL, security_opt seccomp=unconfined, validator_network_mode host" in refused.stderr
    assert not (tmp_path / "runs").exists()
    accepted = cli(*args, env={PRIVILEGED_ENV: "true"})  # past the check: stops at the unbuilt image (or the engine)
    assert accepted.returncode == 1 and "control of the host" not in accepted.stderr, accepted.stderr
    assert "mlebench-agent-sealcheck is missing" in accepted.stderr or "Docker engine" in accepted.stderr


# ---------------------------------------------------------------------------- 13: grade --run-group


def _group_on(tmp_path: Path, data: Path) -> tuple[RunGroup, str]:
    group = RunGroup.create(tmp_path / "runs", "dummy", [TITANIC], 1, {"agent_id": "dummy", "data_dir": str(data.resolve())})
    (run_id,) = group.runs
    group.update(run_id, status="succeeded")
    (group.run_dir(run_id) / "submission").mkdir()
    return group, run_id


def test_grade_run_group_uses_the_data_dir_the_group_ran_on(tmp_path: Path) -> None:
    data = tmp_path / "somewhere" / "data"
    make_titanic(data)
    group, run_id = _group_on(tmp_path, data)
    sample = data / TITANIC / "prepared" / "public" / "sample_submission.csv"
    (group.run_dir(run_id) / "submission" / "submission.csv").write_bytes(sample.read_bytes())
    result = cli("grade", "--run-group", str(group.path), env={"XDG_CACHE_HOME": str(tmp_path / "empty-cache")})
    assert result.returncode == 0, result.stderr
    (report,) = [json.loads(p.read_text()) for p in group.path.glob("*_grading_report.json")]
    assert report["total_valid_submissions"] == 1, report
    # an explicit --data-dir still wins
    other = cli("grade", "--run-group", str(group.path), "--data-dir", str(tmp_path / "typo"))
    assert other.returncode == 1 and f"answers not found at {tmp_path / 'typo'}" in other.stderr


def test_grade_run_group_never_follows_a_link_out_of_the_group(tmp_path: Path) -> None:
    data = tmp_path / "data"
    answers = make_titanic(data)
    group, run_id = _group_on(tmp_path, data)
    (group.run_dir(run_id) / "submission" / "submission.csv").symlink_to(answers)  # the answers: gold, if followed
    (entry,) = submission_entries(group.path)
    assert entry["submission_path"] is None
    assert (
        entry["submission_error"]
        == f"{run_id}/submission/submission.csv is a symbolic link: links in a run group are not followed"
    )
    result = cli("grade", "--run-group", str(group.path), "--data-dir", str(data), "--no-cache")
    assert result.returncode == 0, result.stderr
    (report,) = [json.loads(p.read_text()) for p in group.path.glob("*_grading_report.json")]
    (comp,) = report["competition_reports"]
    assert comp["valid_submission"] is False and comp["score"] is None and not comp["gold_medal"], comp
    assert comp["error"] == entry["submission_error"]
    # make-submission writes no path to follow, and grading its JSONL gives the same reason
    assert cli("make-submission", "--run-group", str(group.path)).returncode == 0
    (line,) = (group.path / "submission.jsonl").read_text().splitlines()
    assert json.loads(line)["submission_path"] is None
    out = tmp_path / "graded"
    result = cli("grade", "--submission", str(group.path / "submission.jsonl"), "--output-dir", str(out), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    (report,) = [json.loads(p.read_text()) for p in out.glob("*_grading_report.json")]
    assert report["competition_reports"][0]["error"] == entry["submission_error"]


def test_a_linked_run_folder_is_not_followed_either(tmp_path: Path) -> None:
    data = tmp_path / "data"
    answers = make_titanic(data)
    group, run_id = _group_on(tmp_path, data)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "submission").mkdir(parents=True)
    (elsewhere / "submission" / "submission.csv").write_bytes(answers.read_bytes())
    run_dir = group.run_dir(run_id)
    for child in (run_dir / "submission",):
        child.rmdir()
    run_dir.rmdir()
    run_dir.symlink_to(elsewhere)
    (entry,) = submission_entries(group.path)
    assert entry["submission_path"] is None and entry["submission_error"].startswith(f"{run_id} is a symbolic link")


# ---------------------------------------------------------------------------- 10: the agent's user


def test_the_agent_user_is_nonroots_numeric_ids_and_never_root() -> None:
    from mlebench_fast.run.runner import RunError, nonroot_ids

    passwd = b"root:x:0:0:root:/root:/bin/bash\nnonroot:x:1000:1000::/home/nonroot:/bin/bash\n"
    assert nonroot_ids(passwd, "img") == "1000:1000"
    for hostile in (b"nonroot:x:0:1000::/:/bin/sh\n", b"nonroot:x:1000:0::/:/bin/sh\n"):
        with pytest.raises(RunError, match="img maps the `nonroot` user to root"):
            nonroot_ids(hostile, "img")
    for missing in (None, b"root:x:0:0:root:/root:/bin/bash\n"):
        with pytest.raises(RunError, match="img has no `nonroot` user"):
            nonroot_ids(missing, "img")


# ---------------------------------------------------------------------------- 12: the egress proxy


def test_the_egress_proxy_refuses_inside_addresses(tmp_path: Path) -> None:
    import socket
    import time

    from mlebench_fast.run import egress

    for inside in ("127.0.0.1", "10.1.2.3", "172.17.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1", "fd00::2"):
        assert not egress.is_outside(inside), inside
    assert egress.is_outside("8.8.8.8") and egress.is_outside("2001:4860:4860::8888")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mlebench_fast.run.egress", "--port", str(port), "--deny", "192.0.2.7"])
    try:

        def ask(request: bytes) -> bytes:
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
                        c.sendall(request)
                        return c.recv(200)
                except ConnectionRefusedError:
                    time.sleep(0.1)
            raise AssertionError("the proxy did not start")

        assert ask(b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 403")
        assert ask(b"CONNECT localhost:5000 HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 403")
        assert ask(b"GET http://10.0.0.1/ HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n").startswith(b"HTTP/1.1 403")
        assert ask(b"CONNECT 192.0.2.7:80 HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 403")  # a host address (--deny)
        assert ask(b"GET /relative HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400")
    finally:
        proc.kill()
        proc.wait()
