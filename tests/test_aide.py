"""agents/aide: AIDE (aideml from PyPI) as MLE-bench's aide agent. The instructions it works
from are assembled as the reference's start.sh does; end to end it runs in its container
against a scripted OpenAI-compatible chat endpoint this test starts on a private Docker
network (reachable by the agent's run and nothing else, no internet), writes a submission that
grades valid, and the API key it was given appears in no file of the run group and not in the
image. The agent image is built once and then reused by Docker's build cache (its slow layer is
keyed by agents/aide/requirements.txt)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from run_helpers import TITANIC, make_titanic

from mlebench_fast.run.agents import BUILTIN_AGENTS_DIR

REPO = Path(__file__).resolve().parents[1]
AIDE = BUILTIN_AGENTS_DIR / "aide"


def _run_aide_module():
    spec = importlib.util.spec_from_file_location("run_aide", AIDE / "run_aide.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------- no engine needed


def test_instructions_are_assembled_as_the_references_aide_start_script_does() -> None:
    run_aide = _run_aide_module()
    full = run_aide.assemble_instructions(
        "Read /home/data/description.md, write /home/submission/submission.csv.\n",
        "NOTES\n- on ${HARDWARE} for $TIME_LIMIT, ${STEP_LIMIT} steps${UNSET}\n",
        "# The task\n",
        {"HARDWARE": "a CPU", "TIME_LIMIT": "1hrs 0mins 0secs", "STEP_LIMIT": "8"},
    )
    assert full == (
        "Read data/description.md, write submission/submission.csv.\n"  # /home/ dropped, as its sed
        "\n"
        "NOTES\n- on a CPU for 1hrs 0mins 0secs, 8 steps\n"  # as envsubst: unset is empty
        "\nCOMPETITION INSTRUCTIONS\n------\n\n"
        "# The task\n"
    )
    assert run_aide.format_time(86400) == "24hrs 0mins 0secs" and run_aide.format_time(3725) == "1hrs 2mins 5secs"
    ours, fork = run_aide.split_args(
        [
            "agent.steps=8",
            "agent.time_limit=86400",
            "agent.obfuscate=True",
            "agent.convert_system_to_user=True",
            "copy_data=False",
        ]
    )
    assert ours == ["agent.steps=8", "copy_data=False"]
    assert fork == {"agent.time_limit": "86400", "agent.obfuscate": "True", "agent.convert_system_to_user": "True"}


def test_the_aide_config_has_the_references_variants() -> None:
    from mlebench_fast.run.agents import get_agent, list_agents

    ids = [i for i in list_agents(BUILTIN_AGENTS_DIR) if i.startswith("aide")]
    assert ids == [
        "aide",
        "aide/dev",
        "aide/o1-preview",
        "aide/gpt-4-turbo",
        "aide/gpt-4-turbo-dev",
        "aide/gpt-3.5-turbo-0125",
        "aide/gpt-3.5-dev",
        "aide/claude-3-5-sonnet",
        "aide/llama-3.1-405b-instruct",
        "aide/gemini-1.5-pro",
        "aide/obfuscated",
    ]
    keys = {"OPENAI_API_KEY": "k1", "ANTHROPIC_API_KEY": "k2", "OPENROUTER_API_KEY": "k3", "GEMINI_API_KEY": "k4"}
    aide = get_agent("aide", BUILTIN_AGENTS_DIR, environ=keys)
    assert aide.kwargs_type == "omegaconf" and aide.env_vars == {
        "TIME_LIMIT_SECS": "86400",
        "STEP_LIMIT": "500",
        "OPENAI_API_KEY": "k1",
    }
    assert aide.kwargs["agent.code.model"] == "gpt-4o-2024-08-06" and aide.kwargs["agent.steps"] == 500
    assert aide.kwargs["exec.timeout"] == 32400 and aide.kwargs["agent.search.debug_prob"] == 1
    assert get_agent("aide/dev", BUILTIN_AGENTS_DIR, environ=keys).kwargs["agent.steps"] == 8
    obf = get_agent("aide/obfuscated", BUILTIN_AGENTS_DIR, environ=keys)
    assert obf.env_vars["OBFUSCATE"] == "true" and obf.kwargs["agent.obfuscate"] is True
    assert get_agent("aide/claude-3-5-sonnet", BUILTIN_AGENTS_DIR, environ=keys).env_vars["ANTHROPIC_API_KEY"] == "k2"


# ---------------------------------------------------------------------------- end to end

SOLUTION = """\
import shutil
shutil.copyfile("./input/sample_submission.csv", "./working/submission.csv")
print("Validation accuracy: 0.5")
"""

# The scripted endpoint: OpenAI's chat completions API; a fixed plan + solution script for
# plain requests, a fixed review (AIDE's submit_review tool call) for requests with tools.
# Every request is logged as one JSON line (what it asked, whether it carried the key).
ENDPOINT = r"""
import hashlib, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
KEY_SHA, SOLUTION = sys.argv[1], sys.argv[2]
PLAN = "Start with the sample submission as a baseline.\n\n```python\n" + SOLUTION + "```\n"
REVIEW = {"is_bug": False, "summary": "The baseline ran.", "metric": 0.5, "lower_is_better": False}
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        auth = self.headers.get("Authorization", "")
        prompt = json.dumps(body.get("messages"))
        print(json.dumps({"path": self.path, "model": body.get("model"), "tools": bool(body.get("tools")),
                          "key_ok": hashlib.sha256(auth.removeprefix("Bearer ").encode()).hexdigest() == KEY_SHA,
                          "notes": "NOTES FOR THIS AGENT" in prompt, "heading": "COMPETITION INSTRUCTIONS" in prompt,
                          "description": "Spaceship Titanic (synthetic)" in prompt,
                          "relative_paths": "`submission/submission.csv`" in prompt}), flush=True)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send_response(404); self.end_headers(); return
        if body.get("tools"):
            call = {"id": "call_0", "type": "function",
                    "function": {"name": "submit_review", "arguments": json.dumps(REVIEW)}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        else:
            message, finish = {"role": "assistant", "content": PLAN}, "stop"
        reply = json.dumps({"id": "chatcmpl-0", "object": "chat.completion", "created": 0, "model": body.get("model"),
                            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
"""


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 3000) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture(scope="module")
def client():
    try:
        import docker

        c = docker.from_env()
        c.ping()
    except Exception as e:  # any failure to reach the engine
        pytest.skip(f"SKIPPED: no Docker engine reachable ({type(e).__name__}: {e}); the AIDE test needs one")
    yield c
    c.close()


@pytest.fixture
def private_network(client):
    """An internal Docker network (no route out) with the scripted endpoint on it."""
    name = f"mlebench-test-{uuid.uuid4().hex[:8]}"
    network = client.networks.create(name, driver="bridge", internal=True)
    key = f"sk-test-{uuid.uuid4().hex}"
    endpoint = None
    try:
        base = os.environ.get("MLEBENCH_FAST_TEST_BASE_IMAGE")
        built = cli("env", "build", *(["--base", base] if base else []))
        assert built.returncode == 0, built.stderr[-3000:]
        from mlebench_fast.run.images import install_env_image

        endpoint = client.containers.run(
            install_env_image(client),
            ["-c", ENDPOINT, hashlib.sha256(key.encode()).hexdigest(), SOLUTION],
            entrypoint=["python3"],
            user="nobody",
            network=name,
            detach=True,
            name=f"{name}-llm",
        )
        endpoint.reload()
        ip = endpoint.attrs["NetworkSettings"]["Networks"][name]["IPAddress"]
        yield name, f"http://{ip}:8000/v1", key, endpoint
    finally:
        if endpoint is not None:
            endpoint.remove(force=True)
        network.remove()


def test_aide_runs_end_to_end_against_a_scripted_endpoint_and_grades_valid(client, private_network, tmp_path: Path) -> None:
    network, base_url, key, endpoint = private_network
    agents = tmp_path / "agents"
    shutil.copytree(AIDE, agents / "aide")
    # a variant of the shipped folder for the scripted endpoint: a model name AIDE sends to
    # OPENAI_BASE_URL's chat completions API, one step
    with open(agents / "aide" / "config.yaml", "a") as f:
        f.write(f"""
aide/scripted:
  <<: *defaults
  kwargs:
    <<: *kwargs_common
    agent.code.model: scripted-model
    agent.feedback.model: scripted-model
    report.model: scripted-model
    agent.steps: 1
    agent.time_limit: 900
  env_vars:
    TIME_LIMIT_SECS: 900
    STEP_LIMIT: 1
    OPENAI_API_KEY: ${{{{ secrets.OPENAI_API_KEY }}}}
    OPENAI_BASE_URL: {base_url}
""")
    built = cli("agents", "build", "aide/scripted", "--agents-dir", str(agents))
    assert built.returncode == 0, built.stderr[-4000:]
    data = tmp_path / "data"
    make_titanic(data)
    config = tmp_path / "container.json"
    config.write_text(json.dumps({"shm_size": "1G", "validator_network_mode": network}))
    result = cli(
        "run",
        "--agent",
        "aide/scripted",
        "--agents-dir",
        str(agents),
        "--data-dir",
        str(data),
        "--runs-dir",
        str(tmp_path / "runs"),
        "--competitions",
        TITANIC,
        "--container-config",
        str(config),
        "--time-limit",
        "1200",
        env={"OPENAI_API_KEY": key},
        timeout=1500,
    )
    assert result.returncode == 0, result.stderr
    (group,) = (tmp_path / "runs").glob("*_run-group_aide")
    meta = json.loads((group / "metadata.json").read_text())
    ((run_id, run),) = meta["runs"].items()
    run_dir = group / run_id
    assert run["status"] == "succeeded", (run_dir / "run.log").read_text()[-6000:]
    # AIDE's outputs in the run group: the submission, the best solution, its journal
    assert (run_dir / "submission" / "submission.csv").read_bytes() == (
        data / TITANIC / "prepared" / "public" / "sample_submission.csv"
    ).read_bytes()
    best = (run_dir / "code" / "best_solution.py").read_text()
    assert [line for line in best.splitlines() if line] == SOLUTION.splitlines()  # AIDE runs black on it
    assert json.loads((run_dir / "logs" / "journal.json").read_text())["nodes"]
    assert (run_dir / "logs" / "agent.log").is_file() and (run_dir / "logs" / "best_solution.py").is_file()
    # the endpoint answered AIDE's calls, each with the key, about the assembled instructions
    calls = [json.loads(line) for line in endpoint.logs().decode().splitlines() if line.startswith("{")]
    assert [c["tools"] for c in calls[:2]] == [False, True] and all(c["key_ok"] for c in calls)
    draft = calls[0]
    assert draft["path"] == "/v1/chat/completions" and draft["model"] == "scripted-model"
    assert draft["notes"] and draft["heading"] and draft["description"] and draft["relative_paths"]
    graded = cli("grade", "--run-group", str(group), "--data-dir", str(data))
    assert graded.returncode == 0, graded.stderr
    (report_path,) = group.glob("*_grading_report.json")
    assert json.loads(report_path.read_text())["total_valid_submissions"] == 1
    # the key: in no file of the run group, not in the agent image
    leaks = [p for p in group.rglob("*") if p.is_file() and key.encode() in p.read_bytes()]
    assert leaks == []
    image = client.images.get("mlebench-agent-aide")
    assert key not in json.dumps(image.attrs) and key not in json.dumps(image.history())
