"""`mlebench-fast env build` against the real Docker engine: the reference's agent environment
(the `agent` venv behind the `conda` compatibility command, its paths and variables), the ML
stack choice, image tags by hash with `latest` as an alias, and an agent folder shaped like
the reference's agents/dummy (written here, not copied) that builds unchanged and runs green.
Skipped, with a message, when no Docker engine is reachable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from run_helpers import TITANIC, make_titanic

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, timeout: float = 3000, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def env_build(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = os.environ.get("MLEBENCH_FAST_TEST_BASE_IMAGE")  # where debootstrap cannot run
    result = cli("env", "build", *(["--base", base] if base else []), *args, pythonpath=pythonpath)
    assert result.returncode == 0, f"env build {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result


# ---------------------------------------------------------------------------- no engine needed


def test_ml_stack_choices_and_their_labels(tmp_path: Path) -> None:
    from mlebench_fast.run.images import ImageError, ml_stack

    none = ml_stack("none")
    assert (none.label, none.requirements, none.heavy) == ("none", "", False)
    ref = ml_stack("reference")
    pins = [line for line in ref.requirements.splitlines() if line and not line.startswith("#")]
    assert ref.label == "reference" and ref.heavy and len(pins) == 92 and ref.extra == ()
    assert {"torch==2.2.0", "tensorflow==2.17.0", "scikit-learn==1.5.1", "lightgbm==4.5.0", "pandas==2.2.2"} <= set(pins)
    gpu = ml_stack("reference", gpu=True)
    assert gpu.label == "reference+gpu" and gpu.extra == ("tensorflow[and-cuda]==2.17",)
    req = tmp_path / "small.txt"
    req.write_text("six==1.16.0\n")
    small = ml_stack(str(req))
    assert small.label.startswith("file:small.txt@sha256:") and small.requirements == "six==1.16.0\n"
    req.write_text("six==1.17.0\n")
    assert ml_stack(str(req)).label != small.label  # the label names the file's content
    with pytest.raises(ImageError, match="--gpu goes with --ml-stack reference"):
        ml_stack("none", gpu=True)
    with pytest.raises(ImageError, match="none, reference or a readable requirements file"):
        ml_stack(str(tmp_path / "missing.txt"))
    req.write_text("-r other.txt\n")
    with pytest.raises(ImageError, match="includes other files"):
        ml_stack(str(req))


def test_env_build_refuses_a_bad_stack_in_one_line(tmp_path: Path) -> None:
    result = cli("env", "build", "--ml-stack", str(tmp_path / "nope.txt"))
    assert result.returncode != 0
    assert "--ml-stack" in result.stderr and "readable requirements file" in result.stderr
    result = cli("env", "build", "--gpu")
    assert result.returncode != 0 and "--gpu goes with --ml-stack reference" in result.stderr


# ---------------------------------------------------------------------------- the engine


@pytest.fixture(scope="module")
def client():
    try:
        import docker

        c = docker.from_env()
        c.ping()
    except Exception as e:  # any failure to reach the engine
        pytest.skip(f"SKIPPED: no Docker engine reachable ({type(e).__name__}: {e}); the env tests need one")
    yield c
    c.close()


@pytest.fixture(scope="module")
def env_none(client) -> str:
    """mlebench-env with --ml-stack none as `latest` (a no-op when up to date); the tests
    that build another stack put it back."""
    env_build()
    return client.images.get(mine(client)).id


def mine(client) -> str:
    """This checkout's mlebench-env (`latest` may be another checkout's on a shared engine)."""
    from mlebench_fast.run.images import install_env_image

    return install_env_image(client)


def sh(client, image: str, script: str, user: str = "nonroot", entrypoint: str | None = None) -> tuple[int, str]:
    """Run a bash script in a fresh container of `image` (through the image's entry point,
    which drops to nonroot, unless `entrypoint` is given); returns (exit code, output)."""
    if entrypoint:
        container = client.containers.run(image, ["-c", script], entrypoint=[entrypoint], detach=True, user="root")
    else:
        container = client.containers.run(image, ["bash", "-c", script], detach=True, user="root")
    try:
        code = container.wait(timeout=600)["StatusCode"]
        return code, container.logs().decode()
    finally:
        container.remove(force=True)


def test_the_conda_command_maps_the_reference_agents_calls_onto_the_agent_venv(client, env_none) -> None:
    script = r"""
    set -u
    echo "run: $(conda run -n agent python -c 'import sys; print(sys.prefix, "%d.%d" % sys.version_info[:2])')"
    echo "run-no-capture: $(conda run -n agent --no-capture-output python -c 'import os; print(os.environ["CONDA_DEFAULT_ENV"])')"
    echo "run-cwd: $(conda run --cwd /tmp -n agent pwd)"
    eval "$(conda shell.bash hook)"
    conda activate agent
    echo "activated: $(command -v python) $CONDA_DEFAULT_ENV $CONDA_PREFIX"
    echo "pip: $(command -v pip)"
    conda deactivate
    echo "deactivated: $(command -v python) ${CONDA_DEFAULT_ENV:-none}"
    source /opt/conda/bin/activate agent
    echo "sourced: $(command -v python)"
    conda clean -afy && echo "clean: ok"
    echo "envs: $(conda env list | grep -c /opt/conda/envs/agent)"
    """
    code, out = sh(client, mine(client), script)
    assert code == 0, out
    lines = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    assert lines["run"] == "/opt/conda/envs/agent 3.11"  # the reference's PYTHON_VERSION
    assert lines["run-no-capture"] == "agent" and lines["run-cwd"] == "/tmp"
    assert lines["activated"] == "/opt/conda/envs/agent/bin/python agent /opt/conda/envs/agent"
    assert lines["pip"] == "/opt/conda/envs/agent/bin/pip"
    assert lines["deactivated"] == "/usr/bin/python none"
    assert lines["sourced"] == "/opt/conda/envs/agent/bin/python"
    assert lines["clean"] == "ok" and lines["envs"] == "1"


def test_the_conda_command_says_what_it_cannot_do(client, env_none) -> None:
    cases = {
        "conda activate agent": "conda shell.bash hook",  # as conda: activate needs the hook
        "conda run -n nope true": "EnvironmentLocationNotFound",
        "conda create -n old python=3.8 -y": "Python 3.8 is not available",
        "conda frobnicate": "`conda frobnicate` is not supported",
        'eval "$(conda shell.bash hook)"; conda activate nope': "Could not find conda environment: nope",
    }
    for script, message in cases.items():
        code, out = sh(client, mine(client), script)
        assert code != 0 and message in out, (script, out)


def test_conda_create_and_install_make_venvs_and_install_from_pypi(client, env_none) -> None:
    # as root, like an agent's Dockerfile; conda's `name=version` becomes pip's name==version.*
    script = """
    set -e
    conda create -n scratch python=3.11 -y
    conda install -y -n scratch -c conda-forge six=1.16
    conda run -n scratch python -c 'import six, sys; print("six", six.__version__, sys.prefix)'
    conda remove -n scratch --all -y
    test ! -e /opt/conda/envs/scratch && echo removed
    """
    code, out = sh(client, mine(client), script, entrypoint="/bin/bash")
    assert code == 0, out
    assert "six 1.16.0 /opt/conda/envs/scratch" in out and "removed" in out


def test_env_image_has_the_references_paths_and_variables(client, env_none) -> None:
    image = client.images.get(mine(client))
    assert image.labels["org.mlebench-fast.ml-stack"] == "none"
    env = dict(e.split("=", 1) for e in image.attrs["Config"]["Env"])
    assert env["PATH"].startswith("/opt/conda/bin:")
    assert env["INSTALL_HEAVY_DEPENDENCIES"] == "false"
    assert {k: env[k] for k in ("SUBMISSION_DIR", "LOGS_DIR", "CODE_DIR", "AGENT_DIR")} == {
        "SUBMISSION_DIR": "/home/submission",
        "LOGS_DIR": "/home/logs",
        "CODE_DIR": "/home/code",
        "AGENT_DIR": "/home/agent",
    }
    # the image itself: logs/, code/ and agent/ are left to the agents' Dockerfiles, some of
    # which `mkdir` them without -p, as on the reference's image
    code, out = sh(
        client, mine(client), "ls -d /home/* /tmp/requirements.txt /opt/conda/bin/*; id nonroot", entrypoint="/bin/bash"
    )
    assert code == 0, out
    listed = set(out.split())
    assert {
        "/home/instructions.txt",
        "/home/validate_submission.sh",
        "/home/submission",
        "/home/nonroot",
        "/tmp/requirements.txt",
        "/opt/conda/bin/conda",
        "/opt/conda/bin/activate",
    } <= listed
    assert not {"/home/logs", "/home/code", "/home/agent"} & listed


# ---------------------------------------------------------------------------- a reference-shaped agent

REF_DUMMY = {
    # the shape of the reference's agents/dummy (its build args, conda calls and checks),
    # written for these tests; `mkdir` without -p as in its aide and mlagentbench folders
    "config.yaml": """\
        refdummy:
          start: refdummy/start.sh
          dockerfile: refdummy/Dockerfile
        """,
    "Dockerfile": """\
        FROM mlebench-env

        ARG SUBMISSION_DIR
        ENV SUBMISSION_DIR=${SUBMISSION_DIR}
        ARG LOGS_DIR
        ENV LOGS_DIR=${LOGS_DIR}
        ARG CODE_DIR
        ENV CODE_DIR=${CODE_DIR}
        ARG AGENT_DIR
        ENV AGENT_DIR=${AGENT_DIR}

        RUN mkdir ${LOGS_DIR} ${CODE_DIR} ${AGENT_DIR}

        ARG CONDA_ENV_NAME=agent
        ARG REQUIREMENTS=${AGENT_DIR}/requirements.txt
        COPY requirements.txt ${AGENT_DIR}/requirements.txt
        RUN conda run -n ${CONDA_ENV_NAME} pip install -r ${AGENT_DIR}/requirements.txt && \\
            conda clean -afy

        COPY . ${AGENT_DIR}
        """,
    "requirements.txt": """\
        # this agent needs no packages
        """,
    "start.sh": """\
        #!/bin/bash
        set -x
        eval "$(conda shell.bash hook)"
        conda activate agent
        python ${AGENT_DIR}/main.py
        ls /private
        ls /home/data
        touch $CODE_DIR/code.py
        touch $LOGS_DIR/run.log
        touch $AGENT_DIR/agent_was_here.txt
        cat /home/instructions.txt
        bash /home/validate_submission.sh /home/submission/submission.csv
        """,
    "main.py": """\
        import getpass, os, shutil, sys
        from pathlib import Path
        here = Path(__file__).parent
        print(f"user {getpass.getuser()} uid {os.getuid()} python {sys.executable}")
        shutil.copy(here.parent / "data" / "sample_submission.csv", here.parent / "submission" / "submission.csv")
        """,
}


def write_agent(agents_dir: Path, name: str, files: dict[str, str]) -> Path:
    folder = agents_dir / name
    folder.mkdir(parents=True)
    for rel, text in files.items():
        (folder / rel).write_text(textwrap.dedent(text))
    return folder


def test_a_reference_shaped_dummy_builds_unchanged_and_runs_green(client, env_none, tmp_path: Path) -> None:
    agents = tmp_path / "agents"
    write_agent(agents, "refdummy", REF_DUMMY)
    built = cli("agents", "build", "refdummy", "--agents-dir", str(agents))
    assert built.returncode == 0, built.stderr[-4000:]
    # its `FROM mlebench-env` is this checkout's env, whatever `latest` is
    assert client.images.get("mlebench-agent-refdummy").labels["org.mlebench-fast.env-id"] == env_none
    data = tmp_path / "data"
    make_titanic(data)
    result = cli(
        "run",
        "--agent",
        "refdummy",
        "--agents-dir",
        str(agents),
        "--data-dir",
        str(data),
        "--runs-dir",
        str(tmp_path / "runs"),
        "--competitions",
        TITANIC,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (group,) = (tmp_path / "runs").glob("*_run-group_refdummy")
    meta = json.loads((group / "metadata.json").read_text())
    ((run_id, run),) = meta["runs"].items()
    log = (group / run_id / "run.log").read_text()
    assert run["status"] == "succeeded", log
    assert meta["settings"]["ml_stack"] == "none" and run["ml_stack"] == "none"
    assert "python /opt/conda/envs/agent/bin/python" in log and "user nonroot" in log
    assert "ls: cannot access '/private': No such file or directory" in log  # no answers here
    assert '{"valid": true, "result": "Submission is valid."}' in log
    for part in ("submission/submission.csv", "code/code.py", "logs/run.log"):
        assert (group / run_id / part).is_file(), part
    graded = cli("grade", "--run-group", str(group), "--data-dir", str(data))
    assert graded.returncode == 0, graded.stderr
    (report_path,) = group.glob("*_grading_report.json")
    report = json.loads(report_path.read_text())
    assert report["total_valid_submissions"] == 1


# ---------------------------------------------------------------------------- stacks and tags


def test_a_requirements_file_stack_is_installed_recorded_and_keyed_by_its_inputs(client, env_none, tmp_path: Path) -> None:
    req = tmp_path / "tiny-stack.txt"
    req.write_text("six==1.16.0\n")
    try:
        first = env_build("--ml-stack", str(req))
        image = client.images.get(mine(client))
        label = image.labels["org.mlebench-fast.ml-stack"]
        assert label.startswith("file:tiny-stack.txt@sha256:") and image.id != env_none
        assert f"ML stack {label}" in first.stdout
        code, out = sh(
            client, mine(client), "conda run -n agent python -c 'import six; print(six.__version__)'; cat /tmp/requirements.txt"
        )
        assert code == 0 and out.split() == ["1.16.0", "six==1.16.0"], out
        code, out = sh(client, mine(client), "python3 -c 'import six'")
        assert code != 0  # into the agent venv, not the system Python
        again = env_build("--ml-stack", str(req))
        assert "is up to date (ML stack: file:tiny-stack.txt" in again.stderr and "building mlebench-env" not in again.stderr
        # an agent built on it carries the stack into the run group's metadata
        agents = tmp_path / "agents"
        write_agent(agents, "refdummy", REF_DUMMY)
        assert cli("agents", "build", "refdummy", "--agents-dir", str(agents)).returncode == 0
        data = tmp_path / "data"
        make_titanic(data)
        result = cli(
            "run",
            "--agent",
            "refdummy",
            "--agents-dir",
            str(agents),
            "--data-dir",
            str(data),
            "--runs-dir",
            str(tmp_path / "runs"),
            "--competitions",
            TITANIC,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        (group,) = (tmp_path / "runs").glob("*_run-group_*")
        meta = json.loads((group / "metadata.json").read_text())
        assert meta["settings"]["ml_stack"] == label
        assert [r["ml_stack"] for r in meta["runs"].values()] == [label]
    finally:
        env_build()  # `latest` back to --ml-stack none for the other tests
    assert client.images.get(mine(client)).id == env_none


def test_images_are_tagged_by_hash_and_two_installs_do_not_rebuild_over_each_other(client, env_none, tmp_path: Path) -> None:
    env_build()  # this checkout's images `latest` again (another checkout may have moved it)
    env = client.images.get(mine(client))
    env_hash = env.labels["org.mlebench-fast.hash"]
    assert f"mlebench-env:{env_hash}" in env.tags and "mlebench-env:latest" in env.tags
    my_validator = client.images.get("mlebench-validator")
    my_tag = f"mlebench-validator:{my_validator.labels['org.mlebench-fast.hash']}"
    assert my_tag in my_validator.tags and "mlebench-validator:latest" in my_validator.tags
    # a second install: a copy of the package that differs by one file
    other = tmp_path / "other-install"
    # the installed package (with its compiled core), not the source tree, which has no core
    # outside a development build
    import mlebench_fast

    shutil.copytree(
        Path(mlebench_fast.__file__).resolve().parent,
        other / "mlebench_fast",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (other / "mlebench_fast" / "_other_install.py").write_text("# another checkout\n")
    built = env_build(pythonpath=other)
    theirs = client.images.get("mlebench-validator")
    assert theirs.id != my_validator.id and "building mlebench-validator:" in built.stderr
    assert client.images.get(my_tag).id == my_validator.id  # this install's validator is still there
    # back and forth: neither rebuilds, `latest` follows the last one
    for pythonpath, expected in ((None, my_validator.id), (other, theirs.id)):
        again = env_build(pythonpath=pythonpath)
        assert "building" not in again.stderr, again.stderr
        assert client.images.get("mlebench-validator").id == expected
    env_build()
    client.images.remove(theirs.id, force=True)
