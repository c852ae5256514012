"""Container configs (the reference's JSON of `containers.create` arguments) and GPU plans."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import docker.types

from .limits import LIMIT_KEYS

# Arguments the harness sets itself; a config that sets them would break the sealing.
RESERVED_KEYS = frozenset(
    {
        "image",
        "command",
        "entrypoint",
        "name",
        "labels",
        "volumes",
        "mounts",
        "environment",
        "privileged",
        "detach",
        "network_mode",
        "network",
        "user",
        "pid_mode",
        "ipc_mode",
        "volumes_from",
        "auto_remove",
        "remove",
    }
)


# Keys of a container config that the harness reads itself rather than passing on.
HARNESS_KEYS = frozenset({"gpus", "validator_network_mode"}) | LIMIT_KEYS


class ConfigError(ValueError):
    pass


def default_container_config_path() -> Path:
    return Path(str(resources.files("mlebench_fast.run") / "files" / "container_config.json"))


# Capabilities that open a way out of the container (or around file permissions, to the answers).
HOST_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "SYS_BOOT", "DAC_READ_SEARCH", "NET_ADMIN", "BPF", "PERFMON"}
)
# Namespaces a config could share with the host (pid_mode, ipc_mode, network_mode are reserved).
HOST_NAMESPACE_KEYS = ("userns_mode", "uts_mode", "cgroupns")


def privileged_settings(config: dict[str, Any]) -> list[str]:
    """The settings of a container config that weaken the seal as a privileged container does:
    they need the user's consent (I_ACCEPT_RUNNING_PRIVILEGED_CONTAINERS)."""
    found = []
    caps = config.get("cap_add") or []
    for cap in caps if isinstance(caps, list) else [caps]:
        name = str(cap).upper().removeprefix("CAP_")
        if name in HOST_CAPABILITIES:
            found.append(f"cap_add {name}")
    opts = config.get("security_opt") or []
    for opt in opts if isinstance(opts, list) else [opts]:
        text = str(opt).replace(" ", "").lower()
        if (
            "unconfined" in text
            or text in ("label=disable", "label:disable")
            or text.startswith("no-new-privileges")
            and "false" in text
        ):
            found.append(f"security_opt {opt}")
    for key in ("devices", "device_cgroup_rules"):
        if config.get(key):
            found.append(key)
    for key in HOST_NAMESPACE_KEYS:
        if str(config.get(key) or "").lower() == "host":
            found.append(f"{key} host")
    if str(config.get("validator_network_mode") or "").lower() == "host":
        found.append("validator_network_mode host")
    return found


def check_container_config(raw: Any, source: str, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Refuse a container config that sets what the harness sets, or that weakens the seal
    without the user's consent. `source` names where it came from, for the error."""
    from .agents import PRIVILEGED_ENV, privileged_consent

    if not isinstance(raw, dict):
        raise ConfigError(f"container config {source} must be a JSON object")
    bad = sorted(RESERVED_KEYS & raw.keys())
    if bad:
        raise ConfigError(f"container config {source} may not set {', '.join(bad)}: the harness sets them")
    risky = privileged_settings(raw)
    if risky and not privileged_consent(environ):
        raise ConfigError(
            f"container config {source} sets {', '.join(risky)}, which can give the agent control of the host; "
            f"set {PRIVILEGED_ENV}=true to accept that risk"
        )
    return raw


def load_container_config(path: Path | None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read a container config JSON (default: the shipped one) and check it."""
    path = path or default_container_config_path()
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ConfigError(f"cannot read container config {path}: {e}") from None
    return check_container_config(raw, str(path), environ)


def agent_create_kwargs(
    config: dict[str, Any], engine_cpus: int | None, gpu_ids: list[str] | None
) -> tuple[dict[str, Any], list[str]]:
    """`containers.create` arguments for an agent container from a container config.

    Returns the arguments and warnings. Null values are dropped; `nano_cpus` is made an int
    and capped at the engine's CPU count (the engine refuses more); `gpus` (the reference's
    key: a count, -1 for all) becomes a device request unless the run assigns GPU ids, which
    then take precedence.
    """
    kwargs = {k: v for k, v in config.items() if v is not None and k not in HARNESS_KEYS}
    warnings: list[str] = []
    if "nano_cpus" in kwargs:
        nano = int(float(kwargs["nano_cpus"]))
        if engine_cpus and nano > engine_cpus * 10**9:
            warnings.append(f"nano_cpus {nano / 1e9:g} CPUs capped at the engine's {engine_cpus}")
            nano = engine_cpus * 10**9
        kwargs["nano_cpus"] = nano
    if gpu_ids:
        kwargs["device_requests"] = [docker.types.DeviceRequest(device_ids=list(gpu_ids), capabilities=[["gpu"]])]
    elif config.get("gpus"):
        kwargs["device_requests"] = [docker.types.DeviceRequest(count=int(config["gpus"]), capabilities=[["gpu"]])]
    return kwargs, warnings


def validator_network_kwargs(config: dict[str, Any]) -> dict[str, Any]:
    """The network settings of a run: they go to the validator, whose network namespace the
    agent joins (a container config may name `validator_network_mode`, e.g. "none")."""
    mode = config.get("validator_network_mode")
    return {"network_mode": mode} if mode else {}


@dataclass(frozen=True)
class GpuPlan:
    """Which GPU ids each worker's containers get (empty lists: no GPU flags given)."""

    per_worker: tuple[tuple[str, ...], ...]

    def for_worker(self, index: int) -> list[str]:
        return list(self.per_worker[index]) if self.per_worker else []


def plan_gpus(n_workers: int, gpus: int | None, gpu_ids: list[str] | None, share: bool = False) -> GpuPlan:
    """Split GPUs among workers so that parallel runs never share one.

    `gpus=N` means ids 0..N-1; `gpu_ids` lists them. Each worker gets an equal, disjoint
    share (left-over GPUs stay unused). With fewer GPUs than workers that is impossible:
    an error, unless `share` asks for workers to share GPUs round-robin.
    """
    if gpus is not None and gpu_ids:
        raise ConfigError("give either --gpus or --gpu-ids, not both")
    if gpus is not None:
        if gpus < 1:
            raise ConfigError("--gpus must be at least 1")
        gpu_ids = [str(i) for i in range(gpus)]
    if not gpu_ids:
        return GpuPlan(())
    if len(set(gpu_ids)) != len(gpu_ids):
        raise ConfigError(f"--gpu-ids lists a GPU twice: {','.join(gpu_ids)}")
    if len(gpu_ids) < n_workers:
        if not share:
            raise ConfigError(
                f"{n_workers} workers but only {len(gpu_ids)} GPU(s): parallel runs would share a GPU; "
                "lower --n-workers or pass --share-gpus"
            )
        return GpuPlan(tuple((gpu_ids[i % len(gpu_ids)],) for i in range(n_workers)))
    per = len(gpu_ids) // n_workers
    return GpuPlan(tuple(tuple(gpu_ids[i * per : (i + 1) * per]) for i in range(n_workers)))
