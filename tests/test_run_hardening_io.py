"""Runner hardening against a hostile or unlucky agent (issue 21, items 1-4, 8, 14), with real
containers: the validator's bounds, the agent's pids limit, the capped copy-out of outputs, the
agent's log and the escaped validator log. Each agent is the `scripted` test agent running the
script a test writes into its competition's public data; the limits are set low through the
container config so that small files show the cuts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from run_helpers import TITANIC, make_titanic
from test_run import TEST_AGENTS, _containers, _metadata, _popen_run, _run, _wait_for_agents, cli, client, images  # noqa: F401

MiB = 2**20


@pytest.fixture(scope="session")
def scripted(images) -> None:  # noqa: F811
    result = cli("agents", "build", "scripted", "--agents-dir", str(TEST_AGENTS), timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]


def _data(tmp_path: Path, script: str) -> Path:
    """A prepared spaceship-titanic whose public data holds the agent's script."""
    data = tmp_path / "data"
    make_titanic(data)
    (data / TITANIC / "prepared" / "public" / "agent.sh").write_text("set -euo pipefail\n" + script)
    return data


def _config(tmp_path: Path, **config) -> str:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"shm_size": "256M", **config}))
    return str(path)


def _one_run(tmp_path: Path, script: str, *args: str, **config) -> tuple[Path, dict]:
    data = _data(tmp_path, script)
    cfg = ("--container-config", _config(tmp_path, **config)) if config else ()
    result, group = _run(data, tmp_path / "runs", "--agent", "scripted", "--competitions", TITANIC, *cfg, *args)
    assert result.returncode == 0, result.stderr
    ((run_id, run),) = _metadata(group)["runs"].items()
    return group / run_id, run


SUBMIT = 'cp /home/data/sample_submission.csv "$SUBMISSION_DIR/submission.csv"\n'


# ---------------------------------------------------------------------------- 1: the validator's bounds

# Run inside the agent's container: an upload over the bound, then two uploads at once (the
# first holds the server's one upload slot, the second must wait without storing anything);
# the test checks the validator's /tmp between the two stages.
UPLOADS = r"""
import json, os, socket, sys, time
max_upload = int(sys.argv[1])

def start(length, first):
    s = socket.create_connection(("127.0.0.1", 5000))
    s.sendall(f"POST /validate HTTP/1.1\r\nHost: v\r\nContent-Type: text/csv\r\nContent-Length: {length}\r\n\r\n".encode())
    s.sendall(b"x" * first)
    return s

def finish(s, rest):
    s.sendall(b"x" * rest)
    s.shutdown(socket.SHUT_WR)
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    return int(data.split(b" ", 2)[1]), data.partition(b"\r\n\r\n")[2].decode()

result = {"oversized": finish(start(max_upload + 1, 0), 0)}
a = start(600_000, 400_000)
open("/tmp/stage1", "w").close()
# the second upload starts once the first holds the slot (the test says so): which of two
# connections opened together is served first is the scheduler's choice
while not os.path.exists("/tmp/second"):
    time.sleep(0.1)
b = start(600_000, 100_000)
open("/tmp/stage2", "w").close()
while not os.path.exists("/tmp/go"):
    time.sleep(0.1)
result["first"], result["second"] = finish(a, 200_000), finish(b, 500_000)
json.dump(result, open("/tmp/result.tmp", "w"))
os.rename("/tmp/result.tmp", "/tmp/result.json")
"""

WAIT_FOR_RELEASE = "for _ in $(seq 1200); do [ -e /home/code/release ] && exit 0; sleep 0.25; done; exit 4\n"


def _wait_until(what: str, check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:.0f}s")


def test_the_validator_bounds_uploads_memory_pids_and_takes_one_upload_at_a_time(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    from mlebench_fast.run.limits import RunLimits

    data = _data(tmp_path, SUBMIT + WAIT_FOR_RELEASE)
    max_upload = MiB
    config = _config(tmp_path, validator_max_upload=max_upload)
    runs, group = tmp_path / "runs", None
    proc = _popen_run(
        data, runs, tmp_path / "harness.log", "--agent", "scripted", "--competitions", TITANIC, "--container-config", config
    )
    try:
        group, (agent,) = _wait_for_agents(client, runs, 1, proc)
        (validator,) = _containers(client, group, "validator")
        host = validator.attrs["HostConfig"]
        prepared = data / TITANIC / "prepared"
        want = RunLimits(validator_max_upload=max_upload).for_validator(
            answers_bytes=(prepared / "private" / "test.csv").stat().st_size,
            sample_bytes=(prepared / "public" / "sample_submission.csv").stat().st_size,
        )
        assert host["Memory"] == want.mem_bytes and host["MemorySwap"] == want.mem_bytes
        assert host["PidsLimit"] == want.pids and host["Tmpfs"] == {"/tmp": f"size={want.tmpfs_bytes}"}
        assert want.tmpfs_bytes < 32 * MiB and want.mem_bytes < 1024 * MiB
        agent.exec_run(["bash", "-c", f"cat > /tmp/uploads.py <<'EOF'\n{UPLOADS}\nEOF"], user="nonroot")
        agent.exec_run(["python3", "/tmp/uploads.py", str(max_upload)], user="nonroot", detach=True)
        _wait_until("stage 1", lambda: agent.exec_run(["test", "-e", "/tmp/stage1"]).exit_code == 0)

        def stored() -> int:
            return int(validator.exec_run(["du", "-sb", "/tmp"]).output.split()[0])

        _wait_until("the first upload stored", lambda: stored() >= 400_000)
        agent.exec_run(["touch", "/tmp/second"], user="nonroot")
        _wait_until("stage 2", lambda: agent.exec_run(["test", "-e", "/tmp/stage2"]).exit_code == 0)
        _wait_until("the second upload waiting", lambda: b"waits for the upload in progress" in validator.logs())
        assert stored() < 500_000  # the second upload is not read while the first one holds the slot
        agent.exec_run(["touch", "/tmp/go"], user="nonroot")
        _wait_until("the uploads answered", lambda: agent.exec_run(["test", "-e", "/tmp/result.json"]).exit_code == 0)
        result = json.loads(agent.exec_run(["cat", "/tmp/result.json"]).output)
        status, body = result["oversized"]
        assert status == 413 and f"larger than {max_upload} bytes" in json.loads(body)["error"]
        for key in ("first", "second"):
            status, body = result[key]
            assert status == 200 and json.loads(body)["valid"] is False, (key, body)
        assert stored() < 100_000  # nothing left behind
        agent.exec_run(["touch", "/home/code/release"], user="nonroot")
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            for c in _containers(client, group) if group else []:
                c.remove(force=True)
    ((run,),) = [list(_metadata(group)["runs"].values())]
    assert run["status"] == "succeeded"


# ---------------------------------------------------------------------------- 2: the agent's pids limit

SPAWN = (
    SUBMIT
    + 'cat /sys/fs/cgroup/pids/pids.max > "$LOGS_DIR/pids_max.txt"\n'
    + 'python3 -c "\nimport subprocess\nkids = []\nfor _ in range(100):\n'
    + "    try: kids.append(subprocess.Popen(['sleep', '30']))\n    except OSError: break\n"
    + 'print(len(kids))\nfor k in kids: k.kill()\n" > "$LOGS_DIR/spawned.txt"\n'
)


def test_agent_containers_have_a_default_pids_limit_that_the_config_changes(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    default = json.loads(
        (Path(__file__).resolve().parents[1] / "python/mlebench_fast/run/files/container_config.json").read_text()
    )
    assert default["pids_limit"] == 2048
    run_dir, run = _one_run(tmp_path / "default", SPAWN)
    assert run["status"] == "succeeded", (run_dir / "run.log").read_text()
    assert (run_dir / "logs" / "pids_max.txt").read_text().strip() == "2048"
    assert int((run_dir / "logs" / "spawned.txt").read_text()) == 100
    run_dir, run = _one_run(tmp_path / "low", SPAWN, pids_limit=40)
    assert (run_dir / "logs" / "pids_max.txt").read_text().strip() == "40"
    assert int((run_dir / "logs" / "spawned.txt").read_text()) < 40


# ---------------------------------------------------------------------------- 3: the copy-out cap

OUTPUTS = (
    SUBMIT
    + 'head -c 30000000 /dev/zero > "$LOGS_DIR/b_big.bin"\n'  # over the cap: skipped, the rest still read
    + 'echo kept > "$LOGS_DIR/c_agent.log"\n'
    + 'echo kept > "$LOGS_DIR/d_agent.log"\n'
    + 'truncate -s 300M "$LOGS_DIR/e_sparse.bin"\n'  # free in the container, counted at its full size
    + 'echo lost > "$LOGS_DIR/f_after.log"\n'  # not read: reading past the sparse file would take too long
    + 'mkdir -p "$CODE_DIR/many"; for i in $(seq 80); do echo "$i" > "$CODE_DIR/many/f$(printf %03d "$i").py"; done\n'
)


def test_the_copy_out_is_capped_per_folder_and_what_was_cut_is_recorded(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    run_dir, run = _one_run(tmp_path, OUTPUTS, output_max_bytes="20M", output_max_files=50)
    assert run["status"] == "succeeded", (run_dir / "run.log").read_text()
    assert (run_dir / "submission" / "submission.csv").is_file() and run["submission_exists"] is True
    logs = run_dir / "logs"
    assert (logs / "c_agent.log").read_text() == (logs / "d_agent.log").read_text() == "kept\n"
    assert sorted(p.name for p in logs.iterdir()) == ["c_agent.log", "d_agent.log"]
    skipped = {s["path"]: s for s in run["outputs"]["logs"]["skipped"]}
    assert skipped["logs/b_big.bin"]["bytes"] == 30_000_000 and "cap" in skipped["logs/b_big.bin"]["reason"]
    assert skipped["logs/e_sparse.bin"]["bytes"] == 300 * MiB and len(skipped) == 2
    assert run["outputs"]["logs"]["cut"].startswith("stopped at logs/e_sparse.bin")
    assert run["outputs"]["logs"]["files"] == 2 and run["outputs"]["logs"]["bytes"] == 2 * len("kept\n")
    copied = sorted(p.name for p in (run_dir / "code").rglob("*"))
    assert len(copied) == 50 and "many" in copied  # folders count as entries too
    assert run["outputs"]["code"]["cut"] and "50" in run["outputs"]["code"]["cut"]
    assert "cut" not in run["outputs"]["submission"] and "skipped" not in run["outputs"]["submission"]
    assert "skipped logs/b_big.bin" in (run_dir / "run.log").read_text()


# ---------------------------------------------------------------------------- 4: the agent's log

LONG_LINE = (
    SUBMIT
    + "python3 -c \"import sys; w = sys.stdout.write; w('x' * 30_000_000 + '\\n'); "
    + "[w(f'line {i}\\n') for i in range(100_000)]; w('the last line\\n')\"\n"
)


def test_a_huge_output_line_is_cut_and_the_log_holds_the_output_to_its_end(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    # a log big enough to be rotated (as by a daemon's max-size) would lose or repeat output
    run_dir, run = _one_run(tmp_path, LONG_LINE, log_config={"type": "json-file", "config": {"max-size": "200m"}})
    assert run["status"] == "succeeded"
    lines = (run_dir / "run.log").read_text().splitlines()
    agent = [line.partition(" [agent] ")[2] for line in lines if " [agent] " in line]
    assert agent[1:] == [f"line {i}" for i in range(100_000)] + ["the last line"]
    from mlebench_fast.run.limits import RunLimits

    assert agent[0].startswith("x" * 1000) and len(agent[0]) < RunLimits().log_max_line + 100
    assert agent[0].endswith(f"[line cut: {30_000_000 - RunLimits().log_max_line} more bytes]")
    assert lines.index(next(line for line in lines if "the last line" in line)) < len(lines) - 1  # then the harness's end


# ---------------------------------------------------------------------------- 8: submission.csv first

LONG_PATH = (
    SUBMIT
    + 'cd "$SUBMISSION_DIR"; for i in $(seq 20); do d=$(printf "d%0199d" "$i"); mkdir "$d"; cd "$d"; done; echo deep > f.txt\n'
    + 'echo notes > "$SUBMISSION_DIR/z_notes.txt"\n'
)
HARD_LINK = SUBMIT + 'ln "$SUBMISSION_DIR/submission.csv" "$SUBMISSION_DIR/a_backup.csv"\n'


def test_an_over_long_path_is_skipped_and_recorded_and_the_submission_kept(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    run_dir, run = _one_run(tmp_path, LONG_PATH)
    sample = (tmp_path / "data" / TITANIC / "prepared" / "public" / "sample_submission.csv").read_bytes()
    assert (run_dir / "submission" / "submission.csv").read_bytes() == sample and run["submission_exists"] is True
    assert (run_dir / "submission" / "z_notes.txt").read_text() == "notes\n"
    (skipped,) = [s for s in run["outputs"]["submission"]["skipped"] if s["path"].endswith("/f.txt")]
    assert skipped["path"].startswith("submission/d") and "File name too long" in skipped["reason"]


def test_a_hard_link_named_before_the_submission_does_not_lose_it(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    run_dir, run = _one_run(tmp_path, HARD_LINK)
    sample = (tmp_path / "data" / TITANIC / "prepared" / "public" / "sample_submission.csv").read_bytes()
    assert (run_dir / "submission" / "submission.csv").read_bytes() == sample and run["submission_exists"] is True
    assert (run_dir / "submission" / "a_backup.csv").read_bytes() == sample
    assert run["outputs"]["submission"]["files"] == 2


# ---------------------------------------------------------------------------- 14: validator.log

CONTROL_BYTES = (
    SUBMIT
    + "exec 3<>/dev/tcp/127.0.0.1/5000\n"
    + "printf 'GET /\\033[2J\\033]0;owned\\007\\x9b HTTP/1.0\\r\\n\\r\\n' >&3\n"
    + "cat <&3 > /dev/null\n"
)


def test_control_bytes_of_a_request_never_reach_the_validator_log(client, scripted, tmp_path: Path) -> None:  # noqa: F811
    run_dir, run = _one_run(tmp_path, CONTROL_BYTES)
    assert run["status"] == "succeeded", (run_dir / "run.log").read_text()
    log = (run_dir / "validator.log").read_bytes()
    assert b"GET /" in log and b"\x1b" not in log and b"\x07" not in log and b"\x9b" not in log
    assert b"GET /\\x1b[2J\\x1b]0;owned\\x07\\x9b HTTP/1.0" in log
