"""The images: `mlebench-env` (agents build on it) and `mlebench-validator` (holds the
grading code; the answers are mounted into it per run).

`mlebench-env` is a Debian root filesystem made with debootstrap (minbase variant plus only
python3, pip, venv, curl and CA certificates), imported with `docker import`, then layers:
the reference's command line tools (optional), the `agent` Python venv (MLE-bench's conda
env, reached through the `conda` compatibility command), its ML stack (a choice), and the
benchmark's files, the /home folders and the `nonroot` user. Every step is keyed by a hash of
its inputs and skipped when an image with that hash exists. Images are tagged by that hash
(`mlebench-env:<hash>`) and `latest` is an alias of the one built last, so two installs on
one Docker engine never rebuild over each other.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Callable

from platformdirs import user_cache_dir

from .. import texts

ENV_IMAGE = "mlebench-env"
ROOTFS_REPO = "mlebench-env-rootfs"
VALIDATOR_IMAGE = "mlebench-validator"
HASH_LABEL = "org.mlebench-fast.hash"
# which ML stack the agent venv of mlebench-env has (agent images inherit the label)
STACK_LABEL = "org.mlebench-fast.ml-stack"
DEFAULT_SUITE = "bookworm"
# minbase already has bash, coreutils, util-linux (setpriv), passwd (useradd) and tar
PACKAGES = ("python3", "python3-pip", "python3-venv", "python-is-python3", "curl", "ca-certificates")
# Certificates the host's administrator added (e.g. for a TLS-intercepting proxy); trusted
# in the image too so that pip and curl work there as on the host.
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")
# Bump when the way the root filesystem is made changes.
ROOTFS_RECIPE = "4"
# The image settings of mlebench-env. On the debootstrap root filesystem they are set by
# `docker import` (free); on a --base image by the layer's Dockerfile. (Each Dockerfile
# instruction costs a container and a commit with Docker's classic builder.)
ENV_SETTINGS = (
    # /opt/conda/bin first, as in the reference's image (there: conda's; here: the compatibility command)
    "ENV PATH=/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "
    "SUBMISSION_DIR=/home/submission LOGS_DIR=/home/logs CODE_DIR=/home/code AGENT_DIR=/home/agent",
    "WORKDIR /home",
    'ENTRYPOINT ["/usr/local/bin/mlebench-agent-entrypoint"]',
    'CMD ["bash"]',
)
# What the validator needs besides the package itself (versions pinned to the host's).
VALIDATOR_DEPS = ("numpy", "pyyaml", "platformdirs")

Echo = Callable[[str], None]


class ImageError(RuntimeError):
    pass


def files_dir() -> Path:
    return Path(str(resources.files("mlebench_fast.run") / "files"))


def cache_dir() -> Path:
    return Path(user_cache_dir("mlebench-fast"))


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:16]


def _image_id(client, name: str) -> str | None:
    from docker.errors import ImageNotFound

    try:
        return client.images.get(name).id
    except ImageNotFound:
        return None


def _drop_replaced(client, old_id: str | None, name: str) -> None:
    """Delete the image a rebuild replaced, unless something still uses it."""
    from docker.errors import APIError

    if old_id and old_id != _image_id(client, name):
        try:
            client.images.remove(old_id)
        except APIError:
            pass  # still used by a container or an agent image built on it


def image_hash(client, name: str) -> str | None:
    """The input hash an image was built from, or None when it does not exist."""
    from docker.errors import ImageNotFound

    try:
        image = client.images.get(name)
    except ImageNotFound:
        return None
    return (image.labels or {}).get(HASH_LABEL, "")


def stream_build(client, path: str, tag: str, echo: Echo, dockerfile: str = "Dockerfile", **kwargs: Any) -> None:
    """`docker build` through the API, echoing the build output; raises ImageError on failure."""
    from docker.errors import APIError

    tail: list[str] = []
    try:
        # a quiet step (a long pip install) may print nothing for minutes: no read timeout
        for chunk in client.api.build(
            path=path, dockerfile=dockerfile, tag=tag, rm=True, forcerm=True, decode=True, timeout=24 * 3600, **kwargs
        ):
            if "stream" in chunk:
                for line in chunk["stream"].splitlines():
                    if line.strip():
                        echo(line)
                        tail = (tail + [line])[-20:]
            if "error" in chunk:
                raise ImageError(f"building {tag} failed: {chunk['error'].strip()}")
    except APIError as e:
        raise ImageError(f"building {tag} failed: {e.explanation or e}") from None


# ---------------------------------------------------------------- root filesystem


def host_ca_certs() -> list[Path]:
    return sorted(HOST_CA_DIR.glob("*.crt")) if HOST_CA_DIR.is_dir() else []


def rootfs_hash(suite: str, mirror: str | None) -> str:
    return _digest(ROOTFS_RECIPE, suite, mirror or "", *PACKAGES, *ENV_SETTINGS)


def debootstrap_rootfs(target: Path, suite: str, mirror: str | None, echo: Echo) -> None:
    """Make a minimal Debian root filesystem in `target` (needs root and debootstrap)."""
    debootstrap = shutil.which("debootstrap") or ("/usr/sbin/debootstrap" if Path("/usr/sbin/debootstrap").is_file() else None)
    if debootstrap is None:
        raise ImageError(
            "debootstrap is not installed (on Debian/Ubuntu: `apt-get install debootstrap`); "
            "or pass --base IMAGE to build on an image you already have"
        )
    if os.geteuid() != 0:
        raise ImageError("debootstrap needs root: run `mlebench-fast env build` as root, or pass --base IMAGE")
    debs = cache_dir() / "debootstrap-debs" / suite
    debs.mkdir(parents=True, exist_ok=True)
    cmd = [
        debootstrap,
        "--variant=minbase",
        f"--include={','.join(PACKAGES)}",
        f"--cache-dir={debs.resolve()}",
        suite,
        str(target),
    ]
    if mirror:
        cmd.append(mirror)
    echo(f"$ {' '.join(cmd)}")
    start = time.monotonic()
    # dpkg syncs every file it unpacks; pointless for a tree that is tarred up afterwards
    unsafe_io = target / "etc" / "dpkg" / "dpkg.cfg.d" / "mlebench-fast-unsafe-io"
    unsafe_io.parent.mkdir(parents=True, exist_ok=True)
    unsafe_io.write_text("force-unsafe-io\n")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise ImageError(f"debootstrap failed:\n{proc.stdout[-3000:]}")
    unsafe_io.unlink()
    _slim(target)
    echo(f"debootstrap done in {time.monotonic() - start:.0f}s")


def _slim(root: Path) -> None:
    """Drop what a container never needs: package caches and lists, docs, man pages, locales."""
    for pattern in ("var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "var/log/*.log", "var/cache/debconf/*-old"):
        for p in root.glob(pattern):
            if p.is_file() and not p.is_symlink():
                p.unlink()
    for rel in ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale"):
        d = root / rel
        if d.is_dir() and not d.is_symlink():
            shutil.rmtree(d)
            d.mkdir()
    # agents install packages with pip into the system Python, as in the reference's images
    for marker in root.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()


def import_rootfs(client, root: Path, tag: str, echo: Echo) -> str:
    """`docker import` a root filesystem folder as ROOTFS_REPO:tag."""
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        tar = Path(tmp) / "rootfs.tar"
        # GNU tar keeps owners, modes, devices and hard links exactly
        subprocess.run(["tar", "--numeric-owner", "-C", str(root), "-cf", str(tar), "."], check=True)
        echo(f"importing {tar.stat().st_size / 2**20:.0f} MiB root filesystem as {ROOTFS_REPO}:{tag}")
        start = time.monotonic()
        client.api.import_image(
            src=str(tar),
            repository=ROOTFS_REPO,
            tag=tag,
            changes=list(ENV_SETTINGS),
        )
        echo(f"imported in {time.monotonic() - start:.0f}s")
    return f"{ROOTFS_REPO}:{tag}"


def ensure_rootfs_image(client, suite: str, mirror: str | None, echo: Echo) -> str:
    from docker.errors import ImageNotFound

    tag = rootfs_hash(suite, mirror)
    name = f"{ROOTFS_REPO}:{tag}"
    try:
        client.images.get(name)
        echo(f"{name} is up to date")
        return name
    except ImageNotFound:
        pass
    work = cache_dir() / "rootfs-build"
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        root = Path(tmp) / "root"
        try:
            debootstrap_rootfs(root, suite, mirror, echo)
            name = import_rootfs(client, root, tag, echo)
        finally:
            # debootstrap leaves root-owned files, devices and possibly mounts behind
            subprocess.run(["umount", "-R", str(root / "proc")], capture_output=True)
            subprocess.run(["umount", "-R", str(root / "sys")], capture_output=True)
    for image in client.images.list(name=ROOTFS_REPO):  # roots of an older recipe
        if name not in image.tags:
            _drop_replaced(client, image.id, name)
    return name


# ---------------------------------------------------------------- mlebench-env


# (file in the package's files/, path in the image, mode)
LAYER_FILES = (
    ("validate_submission.sh", "home/validate_submission.sh", 0o755),
    ("agent-entrypoint.sh", "usr/local/bin/mlebench-agent-entrypoint", 0o755),
    # MLE-bench's agents call conda; these map the calls onto the venvs in /opt/conda/envs
    ("conda", "opt/conda/bin/conda", 0o755),
    ("conda-activate", "opt/conda/bin/activate", 0o644),
    ("conda-deactivate", "opt/conda/bin/deactivate", 0o644),
)
LAYER_SETUP = (
    "set -e; "
    "id -u nonroot >/dev/null 2>&1 || useradd --create-home --shell /bin/bash nonroot; "
    # as the reference's image: only submission/ exists (agents' Dockerfiles `mkdir` the others,
    # some without -p); the entry point makes any still missing at start
    "mkdir -p /home/data /home/submission; "
    # agents install packages with pip into the system Python, as in the reference's images
    "rm -f /usr/lib/python3*/EXTERNALLY-MANAGED"
)
# The reference's agent environment: its name and Python (ARGs of its Dockerfile, kept).
AGENT_ENV = "agent"
AGENT_PYTHON = "3.11"  # bookworm's python3; another --suite brings its own
AGENT_ENV_PREFIX = f"/opt/conda/envs/{AGENT_ENV}"
REQUIREMENTS_PATH = "/tmp/requirements.txt"  # where the reference's image keeps its stack's pins
# The reference's command line tools (its Dockerfile's apt list and jupyter), for --tools reference.
REFERENCE_TOOLS = (
    "wget",
    "git",
    "vim",
    "nano",
    "unzip",
    "zip",
    "p7zip-full",
    "python3-dev",
    "build-essential",
    "openssh-server",
    "tmux",
    "gettext",
    "sudo",
    "ffmpeg",
    "libsm6",
    "libxext6",
)
REFERENCE_TOOLS_PIP = ("jupyter",)
# --ml-stack reference --gpu: what the reference adds for CUDA after its requirements
REFERENCE_GPU_EXTRA = ("tensorflow[and-cuda]==2.17",)
PIP = "pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore"


@dataclass(frozen=True)
class MlStack:
    """What goes into the agent venv: pip requirements, then `extra` packages."""

    label: str  # recorded on the image (STACK_LABEL) and in every run's metadata
    requirements: str  # a requirements file's text; "" for none
    extra: tuple[str, ...] = ()
    heavy: bool = False  # the reference's INSTALL_HEAVY_DEPENDENCIES


def ml_stack(choice: str, gpu: bool = False) -> MlStack:
    """`none`, `reference` (the reference's pins; `gpu`: its CUDA TensorFlow too) or the path
    of a requirements file."""
    if gpu and choice != "reference":
        raise ImageError("--gpu goes with --ml-stack reference (it adds the reference's CUDA TensorFlow)")
    if choice == "none":
        return MlStack("none", "")
    if choice == "reference":
        text = (files_dir() / "ml-stack-reference.txt").read_text()
        return MlStack("reference+gpu" if gpu else "reference", text, REFERENCE_GPU_EXTRA if gpu else (), heavy=True)
    path = Path(choice)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise ImageError(f"--ml-stack: {choice} is none, reference or a readable requirements file ({e})") from None
    if any(line.strip().startswith(("-r", "-c", "--requirement", "--constraint")) for line in text.splitlines()):
        raise ImageError(f"--ml-stack {choice}: a requirements file that includes other files cannot be built (inline them)")
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return MlStack(f"file:{path.name}@sha256:{digest}", text)


def _env_dockerfile(base: str, stack: MlStack, tools: bool, with_settings: bool) -> str:
    lines = [
        f"FROM {base}",
        f"ARG CONDA_ENV_NAME={AGENT_ENV}",
        f"ARG PYTHON_VERSION={AGENT_PYTHON}",
        f"ARG REQUIREMENTS={REQUIREMENTS_PATH}",
    ]
    # the host's extra certificates first: apt, pip and curl below may need them (a proxy's)
    lines.append("COPY certs/ /usr/local/share/ca-certificates/")
    lines.append(
        "RUN if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then update-ca-certificates >/dev/null; fi && "
        "python3 -m venv /opt/conda/envs/${CONDA_ENV_NAME}"
    )
    if tools:
        lines.append(
            "RUN export DEBIAN_FRONTEND=noninteractive && apt-get update && "
            f"apt-get install -y --no-install-recommends {' '.join(REFERENCE_TOOLS)} && "
            f"PIP_BREAK_SYSTEM_PACKAGES=1 {PIP} {' '.join(REFERENCE_TOOLS_PIP)} && "
            "rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb"
        )
    # the layers that take long come first, so that a change of the benchmark's files below
    # reuses them (Docker's build cache)
    lines.append("COPY requirements.txt ${REQUIREMENTS}")
    if stack.requirements.strip():
        install = f"/opt/conda/envs/${{CONDA_ENV_NAME}}/bin/{PIP} -r ${{REQUIREMENTS}}"
        if stack.extra:
            install += f" && /opt/conda/envs/${{CONDA_ENV_NAME}}/bin/{PIP} " + " ".join(f"'{x}'" for x in stack.extra)
        lines.append(f"RUN {install}")
    lines += ["COPY layer/ /", f"RUN {LAYER_SETUP}"]
    if with_settings:
        lines += list(ENV_SETTINGS)
    lines.append(f"ENV INSTALL_HEAVY_DEPENDENCIES={'true' if stack.heavy else 'false'}")
    return "\n".join(lines) + "\n"


def _env_context(ctx: Path, base: str, stack: MlStack, tools: bool, with_settings: bool) -> str:
    """Write the build context of the env layers; returns its input hash."""
    parts: list[bytes | str] = []
    (ctx / "certs").mkdir()  # (paths relative to the context)
    certs = [(c, f"certs/{c.name}", 0o644) for c in host_ca_certs()]
    for source, dest, mode in [(files_dir() / f, f"layer/{d}", m) for f, d, m in LAYER_FILES] + certs:
        target = ctx / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        target.chmod(mode)
        parts += [dest, str(mode), target.read_bytes()]
    for dest, data in texts.instructions_layer().items():  # the reference's when fetched, else our own
        target = ctx / "layer" / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        target.chmod(0o644)
        parts += [f"layer/{dest}", "420", data]
    (ctx / "requirements.txt").write_text(stack.requirements or "# --ml-stack none: nothing installed\n")
    dockerfile = _env_dockerfile(base, stack, tools, with_settings)
    (ctx / "Dockerfile").write_text(dockerfile)
    return _digest(dockerfile, stack.label, stack.requirements, *parts)


def _install_env_record() -> Path:
    """Where this install (this package's folder) records the mlebench-env it built last."""
    return cache_dir() / "installs" / _digest(str(_package_dir())) / "env-image"


def install_env_image(client) -> str:
    """The mlebench-env this install built last (`mlebench-env:<hash>`), so that its agents
    build on it even when another install has moved `latest`; `mlebench-env` (latest) when it
    has none recorded or the image is gone."""
    try:
        name = _install_env_record().read_text().strip()
    except OSError:
        return ENV_IMAGE
    return name if name and _image_id(client, name) is not None else ENV_IMAGE


def _tag_latest(client, name: str, tag: str) -> None:
    """Point `name:latest` (what `FROM name` means) at `name:tag`."""
    client.images.get(f"{name}:{tag}").tag(name, "latest")


def build_env_image(
    client,
    echo: Echo,
    base: str | None = None,
    suite: str = DEFAULT_SUITE,
    mirror: str | None = None,
    rebuild: bool = False,
    stack: MlStack | None = None,
    tools: bool | None = None,
) -> str:
    """Build `mlebench-env:<hash>` (skipped when it exists) and make it `mlebench-env:latest`.
    `tools` (the reference's command line tools) defaults to on for the reference's stack.
    Returns the image's id."""
    from docker.errors import ImageNotFound

    stack = stack or ml_stack("none")
    tools = stack.heavy if tools is None else tools
    ours = base is None
    if base is None:
        base = ensure_rootfs_image(client, suite, mirror, echo)
    else:
        try:
            client.images.get(base)
        except ImageNotFound:
            raise ImageError(f"base image {base} is not on this Docker engine (pull it first)") from None
    base_id = client.images.get(base).id
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Path(tmp)
        want = _digest(base_id, _env_context(ctx, base, stack, tools, with_settings=not ours))
        name = f"{ENV_IMAGE}:{want}"
        if not rebuild and _image_id(client, name) is not None:
            echo(f"{name} is up to date (ML stack: {stack.label})")
        else:
            echo(f"building {name} on {base} (ML stack: {stack.label}{', the reference tools' if tools else ''})")
            start = time.monotonic()
            stream_build(
                client, path=str(ctx), tag=name, echo=echo, nocache=rebuild, labels={HASH_LABEL: want, STACK_LABEL: stack.label}
            )
            echo(f"{name} built in {time.monotonic() - start:.0f}s")
    _tag_latest(client, ENV_IMAGE, want)
    record = _install_env_record()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(name + "\n")
    return client.images.get(name).id


# ---------------------------------------------------------------- mlebench-validator


def _package_dir() -> Path:
    import mlebench_fast

    return Path(mlebench_fast.__file__).resolve().parent


def _package_files() -> list[tuple[Path, Path]]:
    """(relative path, file) of the running mlebench_fast package, compiled core included."""
    src = _package_dir()
    return [
        (path.relative_to(src), path)
        for path in sorted(src.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(src).parts and path.suffix != ".pyc"
    ]


def _copy_package(dest: Path) -> None:
    for rel, path in _package_files():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)  # follows the dev loop's symlink to the built core


def _dep_pins() -> list[str]:
    pins = []
    for dep in VALIDATOR_DEPS:
        try:
            pins.append(f"{dep}=={metadata.version(dep)}")
        except metadata.PackageNotFoundError:
            pins.append(dep)
    return pins


VALIDATOR_PYTHONPATH = "/opt/mlebench-fast"


def _validator_dockerfile(base: str, pins: list[str]) -> str:
    return (
        "\n".join(
            [
                f"FROM {base}",
                # its own layer, so that a new mlebench-fast build reuses it
                f"RUN PIP_BREAK_SYSTEM_PACKAGES=1 pip install --no-cache-dir --disable-pip-version-check -q {' '.join(pins)}",
                f"COPY pkg/ {VALIDATOR_PYTHONPATH}/",
                # fail the build here, not in every run, if the core cannot load in this image
                f'RUN PYTHONPATH={VALIDATOR_PYTHONPATH} python3 -B -c "import mlebench_fast.run.validator"',
            ]
        )
        + "\n"
    )


def _validator_base(client) -> tuple[str, str] | None:
    """(image to build on, its id): this install's mlebench-env by its hash tag, or None when
    missing."""
    from docker.errors import ImageNotFound

    try:
        env = client.images.get(install_env_image(client))
    except ImageNotFound:
        return None
    env_hash = (env.labels or {}).get(HASH_LABEL)
    tagged = f"{ENV_IMAGE}:{env_hash}" if env_hash and f"{ENV_IMAGE}:{env_hash}" in env.tags else ENV_IMAGE
    return tagged, env.id


def validator_wanted_hash(client) -> str | None:
    """The hash (and tag) the validator image must carry for the running mlebench-fast on
    the current mlebench-env, or None when mlebench-env is missing."""
    base = _validator_base(client)
    if base is None:
        return None
    parts: list[bytes | str] = []
    for rel, path in _package_files():
        parts += [rel.as_posix(), path.read_bytes()]
    return _digest(base[1], _validator_dockerfile(base[0], _dep_pins()), *parts)


def build_validator_image(client, echo: Echo, rebuild: bool = False) -> str:
    """Build `mlebench-validator:<hash>` from mlebench-env and the running mlebench_fast
    package (skipped when that tag exists: another install's validator is another tag) and
    make it `latest`. Returns its image id."""
    want = validator_wanted_hash(client)
    if want is None:
        raise ImageError(f"image {ENV_IMAGE} is missing: run `mlebench-fast env build` first")
    base, _ = _validator_base(client)
    name = f"{VALIDATOR_IMAGE}:{want}"
    if not rebuild and _image_id(client, name) is not None:
        echo(f"{name} is up to date")
    else:
        echo(f"building {name} with mlebench_fast from {_package_dir()}")
        with tempfile.TemporaryDirectory() as tmp:
            ctx = Path(tmp)
            _copy_package(ctx / "pkg" / "mlebench_fast")
            (ctx / "Dockerfile").write_text(_validator_dockerfile(base, _dep_pins()))
            start = time.monotonic()
            stream_build(client, path=str(ctx), tag=name, echo=echo, labels={HASH_LABEL: want})
            echo(f"{name} built in {time.monotonic() - start:.0f}s")
    _tag_latest(client, VALIDATOR_IMAGE, want)
    return client.images.get(name).id


def describe(client) -> dict[str, Any]:
    """Tags, sizes and stacks of the images (`latest`), for `env build`'s summary."""
    from docker.errors import ImageNotFound

    out = {}
    for name in (ENV_IMAGE, VALIDATOR_IMAGE):
        try:
            image = client.images.get(name)
        except ImageNotFound:
            continue
        labels = image.labels or {}
        out[name] = {
            "id": image.short_id,
            "size_mib": round(image.attrs.get("Size", 0) / 2**20),
            "hash": labels.get(HASH_LABEL),
            "tags": sorted(image.tags),
            "ml_stack": labels.get(STACK_LABEL),
        }
    return out
