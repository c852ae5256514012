"""Agents: `agents/<name>/config.yaml` (the reference's layout) and their images.

A config maps agent ids to settings; one folder may define several ids (variants):

    dummy:
      start: dummy/start.sh          # relative to the agents dir; runs as $AGENT_DIR/start.sh
      dockerfile: dummy/Dockerfile   # built with the agent's folder as context
      kwargs: {steps: 10}            # passed to start.sh (needs kwargs_type)
      kwargs_type: argparse          # argparse: --key value; omegaconf: key=value
      env_vars: {OPENAI_API_KEY: "${{ secrets.OPENAI_API_KEY }}"}  # from the host's environment
      privileged: false
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

# Where the agent's outputs and files live inside its container (the reference's values).
CONTAINER_DIRS = {
    "SUBMISSION_DIR": "/home/submission",
    "LOGS_DIR": "/home/logs",
    "CODE_DIR": "/home/code",
    "AGENT_DIR": "/home/agent",
}
AGENTS_DIR_ENV = "MLEBENCH_FAST_AGENTS_DIR"
IMAGE_PREFIX = "mlebench-agent-"
# the id of the mlebench-env an agent image was built on (to tell when it is stale)
ENV_ID_LABEL = "org.mlebench-fast.env-id"
_SECRET = re.compile(r"^\$\{\{\s*secrets\.(\w+)\s*\}\}$")


class AgentError(ValueError):
    pass


@dataclass(frozen=True)
class Agent:
    id: str
    name: str  # the folder name; also names the image
    folder: Path
    start: Path  # relative to the folder
    dockerfile: Path  # relative to the folder
    kwargs: dict[str, Any] = field(default_factory=dict)
    kwargs_type: str | None = None
    env_vars: dict[str, str] = field(default_factory=dict)
    privileged: bool = False

    @property
    def image(self) -> str:
        return IMAGE_PREFIX + self.name.lower()

    def command(self) -> list[str]:
        """The command the agent container runs (as `nonroot`)."""
        cmd = ["bash", f"{CONTAINER_DIRS['AGENT_DIR']}/{self.start.as_posix()}"]
        if self.kwargs_type == "argparse":
            for key, value in self.kwargs.items():
                cmd += [f"--{key}", str(value)]
        elif self.kwargs_type == "omegaconf":
            cmd += [f"{key}={value}" for key, value in self.kwargs.items()]
        return cmd


# the agents shipped inside the package (package data), found from any folder
BUILTIN_AGENTS_DIR = Path(__file__).resolve().parents[1] / "agents"


def agents_search_path() -> list[Path]:
    """Where agents are looked for without --agents-dir: $MLEBENCH_FAST_AGENTS_DIR alone when
    set, else ./agents, the agents/ of a source checkout, then the built-in agents."""
    env = os.environ.get(AGENTS_DIR_ENV)
    if env:
        return [Path(env)]
    root = Path(__file__).resolve().parents[3]  # the checkout, when run from one
    checkout = [root / "agents"] if (root / "pyproject.toml").is_file() else []
    return list(dict.fromkeys([Path("agents"), *checkout, BUILTIN_AGENTS_DIR]))


def default_agents_dir(agent_id: str | None = None) -> Path:
    """The first folder of the search path that defines `agent_id` (as an id or a folder name),
    else the first that exists; an error naming every folder looked in when none does."""
    path = agents_search_path()
    existing = [d for d in path if d.is_dir()]
    for d in existing if agent_id is not None else []:
        if (d / agent_id / "config.yaml").is_file() or any(agent_id in contents for _, contents in _configs(d)):
            return d
    if agent_id is None and existing:
        return existing[0]
    looked = ", ".join(f"{d}{'' if d.is_dir() else ' (absent)'}" for d in path)
    known = ", ".join(dict.fromkeys(i for d in existing for _, contents in _configs(d) for i in contents)) or "none"
    what = f"no agent `{agent_id}`" if agent_id is not None else "no agents dir"
    raise AgentError(f"{what} found (known: {known}); looked in {looked}; pass --agents-dir or set {AGENTS_DIR_ENV}")


def resolve_secrets(values: dict[str, Any], environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Replace `${{ secrets.NAME }}` values by the host's environment variable NAME."""
    environ = os.environ if environ is None else environ
    out = {}
    for key, value in values.items():
        m = _SECRET.match(value) if isinstance(value, str) else None
        if m:
            if m.group(1) not in environ:
                raise AgentError(f"environment variable `{m.group(1)}` is not set (needed by `{key}`)")
            value = environ[m.group(1)]
        out[key] = value
    return out


def _template_keys(text: str) -> set[str]:
    """Top-level keys whose value carries a YAML anchor (`defaults: &defaults`): templates the
    agents merge in (as in the reference's aide config), not agents themselves."""
    keys, depth, key, expect_key = set(), 0, None, True
    try:
        for event in yaml.parse(text):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if depth == 1 and not expect_key and event.anchor:
                    keys.add(key)
                depth += 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                if depth == 1:
                    expect_key = True
            elif depth == 1 and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                if expect_key:
                    key = getattr(event, "value", None)
                else:
                    if getattr(event, "anchor", None):
                        keys.add(key)
                expect_key = not expect_key
    except yaml.YAMLError:
        pass
    return keys


def _configs(agents_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    if not agents_dir.is_dir():
        raise AgentError(f"agents dir {agents_dir} does not exist (pass --agents-dir or set {AGENTS_DIR_ENV})")
    found = []
    for path in sorted(agents_dir.glob("*/config.yaml")):
        try:
            contents = yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as e:
            raise AgentError(f"cannot read {path}: {e}") from None
        if not isinstance(contents, dict):
            raise AgentError(f"{path} must map agent ids to settings")
        found.append((path, contents))
    return found


def list_agents_in(path: Path, contents: dict[str, Any]) -> list[str]:
    """The agent ids of one config: entries with `start` and `dockerfile`, YAML anchor
    templates left out."""
    templates = _template_keys(path.read_text())
    return [i for i, v in contents.items() if isinstance(v, dict) and "start" in v and "dockerfile" in v and i not in templates]


def list_agents(agents_dir: Path) -> list[str]:
    return [i for path, contents in _configs(agents_dir) for i in list_agents_in(path, contents)]


def _relative_to_folder(value: str, agents_dir: Path, folder: Path, what: str, agent_id: str) -> Path:
    # the reference writes these relative to the agents dir ("dummy/start.sh")
    path = (agents_dir / value).resolve()
    try:
        rel = path.relative_to(folder.resolve())
    except ValueError:
        raise AgentError(f"agent `{agent_id}`: {what} {value} is outside its folder {folder}") from None
    if not path.is_file():
        raise AgentError(f"agent `{agent_id}`: {what} {path} does not exist")
    return rel


def get_agent(
    agent_id: str, agents_dir: Path | None = None, environ: dict[str, str] | None = None, secrets: bool = True
) -> Agent:
    """The agent with this id (or, failing that, the first agent of the folder of this name).
    `secrets=False` leaves `${{ secrets.NAME }}` unresolved (building an image needs none)."""
    agents_dir = agents_dir or default_agents_dir(agent_id)
    configs = _configs(agents_dir)
    match = next(((p, c, agent_id) for p, c in configs if agent_id in c), None)
    if match is None:  # a folder name: its first agent
        match = next(
            (
                (p, c, ids[0])
                for p, c in configs
                if p.parent.name == agent_id
                for ids in [[i for i in list_agents_in(p, c)]]
                if ids
            ),
            None,
        )
    if match is None:
        known = ", ".join(i for p, c in configs for i in list_agents_in(p, c)) or "none"
        raise AgentError(f"no agent `{agent_id}` in {agents_dir} (known: {known})")
    path, contents, agent_id = match
    settings = contents[agent_id] or {}
    folder = path.parent
    for key in ("start", "dockerfile"):
        if key not in settings:
            raise AgentError(f"agent `{agent_id}` in {path} needs `{key}`")
    kwargs = settings.get("kwargs") or {}
    kwargs_type = settings.get("kwargs_type")
    if kwargs and kwargs_type not in ("argparse", "omegaconf"):
        raise AgentError(f"agent `{agent_id}`: kwargs need kwargs_type argparse or omegaconf")
    env_vars = dict(settings.get("env_vars") or {})
    privileged = settings.get("privileged", False)
    if not isinstance(privileged, bool):
        raise AgentError(f"agent `{agent_id}`: privileged must be true or false")
    return Agent(
        id=agent_id,
        name=folder.name,
        folder=folder,
        start=_relative_to_folder(settings["start"], agents_dir, folder, "start script", agent_id),
        dockerfile=_relative_to_folder(settings["dockerfile"], agents_dir, folder, "Dockerfile", agent_id),
        kwargs=resolve_secrets(dict(kwargs), environ) if secrets else dict(kwargs),
        kwargs_type=kwargs_type,
        env_vars={k: str(v) for k, v in (resolve_secrets(env_vars, environ) if secrets else env_vars).items()},
        privileged=privileged,
    )


PRIVILEGED_ENV = "I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS"


def privileged_consent(environ: dict[str, str] | None = None) -> bool:
    """Whether the user accepted privileged containers (the reference's variable and values)."""
    environ = os.environ if environ is None else environ
    return environ.get(PRIVILEGED_ENV, "false").lower() in ("true", "1", "t")


def check_privileged_allowed(agent: Agent, environ: dict[str, str] | None = None) -> None:
    """A privileged agent runs only when the user opted in, as with the reference."""
    if agent.privileged and not privileged_consent(environ):
        raise AgentError(
            f"agent `{agent.id}` needs a privileged container, which gives it control of the host; "
            f"set {PRIVILEGED_ENV}=true to accept that risk"
        )


# On agent images that have that step (one built by an older mlebench-fast does not).
NONROOT_HOME_LABEL = "org.mlebench-fast.home-for-nonroot"
# The last step of every agent image: agents run as nonroot from their first process (the
# harness sets the user), so what the agent's Dockerfile put under /home is made theirs here.
HOME_FOR_NONROOT = (
    "# added by mlebench-fast: the agent runs as nonroot\n"
    "USER root\n"
    'RUN mkdir -p "$SUBMISSION_DIR" "$LOGS_DIR" "$CODE_DIR" "$AGENT_DIR" '
    "&& find /home -path /home/data -prune -o -exec chmod a+rwX {} +\n"
)
_FROM_ENV = re.compile(r"^(\s*FROM\s+(?:--platform=\S+\s+)?)mlebench-env(?::latest)?(\s|$)", re.IGNORECASE | re.MULTILINE)


def build_agent_image(client, agent: Agent, base_image: str, echo: Callable[[str], None]) -> str:
    """Build the agent's image from its Dockerfile (which starts `FROM mlebench-env`). Its
    `FROM mlebench-env` is read as `FROM <base_image>` (this install's `mlebench-env:<hash>`),
    the folder's files untouched, so another install moving `latest` does not change it."""
    from docker.errors import ImageNotFound

    try:
        base_id = client.images.get(base_image).id
    except ImageNotFound:
        raise AgentError(f"image {base_image} is missing: run `mlebench-fast env build` first") from None
    from .images import stream_build

    dockerfile = agent.folder / agent.dockerfile
    text = dockerfile.read_text()
    pinned = _FROM_ENV.sub(lambda m: f"{m.group(1)}{base_image}{m.group(2)}", text)
    with tempfile.TemporaryDirectory() as tmp:
        # handed to the engine beside the context (the SDK adds it)
        target = str(Path(tmp) / "Dockerfile")
        Path(target).write_text(pinned.rstrip("\n") + "\n" + HOME_FOR_NONROOT)
        stream_build(
            client,
            path=str(agent.folder),
            dockerfile=target,
            tag=agent.image,
            buildargs=dict(CONTAINER_DIRS),
            labels={"org.mlebench-fast.agent": agent.name, ENV_ID_LABEL: base_id, NONROOT_HOME_LABEL: "1"},
            echo=echo,
        )
    return agent.image
