"""The images: `mlebench-env` (agents build on it) and `mlebench-validator` (holds the
grading code; the answers are mounted into it per run).

`mlebench-env` is a Debian root filesystem made with debootstrap (minbase variant plus only
python3, pip, curl and CA certificates), imported with `docker import`, then one layer
with the benchmark's files, the /home folders and the `nonroot` user. Every step is keyed by
a hash of its inputs and skipped when an image with that hash exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Callable

from platformdirs import user_cache_dir

from .. import texts

ENV_IMAGE = "mlebench-env"
ROOTFS_REPO = "mlebench-env-rootfs"
VALIDATOR_IMAGE = "mlebench-validator"
HASH_LABEL = "org.mlebench-fast.hash"
DEFAULT_SUITE = "bookworm"
# minbase already has bash, coreutils, util-linux (setpriv), passwd (useradd) and tar
PACKAGES = ("python3", "python3-pip", "curl", "ca-certificates")
# Certificates the host's administrator added (e.g. for a TLS-intercepting proxy); trusted
# in the image too so that pip and curl work there as on the host.
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")
# Bump when the way the root filesystem is made changes.
ROOTFS_RECIPE = "3"
# The image settings of mlebench-env. On the debootstrap root filesystem they are set by
# `docker import` (free); on a --base image by the layer's Dockerfile. (Each Dockerfile
# instruction costs a container and a commit with Docker's classic builder.)
ENV_SETTINGS = (
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "
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
        for chunk in client.api.build(path=path, dockerfile=dockerfile, tag=tag, rm=True, forcerm=True, decode=True,
                                      timeout=24 * 3600, **kwargs):
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
        debootstrap, "--variant=minbase", f"--include={','.join(PACKAGES)}",
        f"--cache-dir={debs.resolve()}", suite, str(target),
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
)
LAYER_SETUP = (
    "set -e; "
    "if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then update-ca-certificates >/dev/null; fi; "
    "id -u nonroot >/dev/null 2>&1 || useradd --create-home --shell /bin/bash nonroot; "
    "mkdir -p /home/data /home/submission /home/logs /home/code /home/agent; "
    # agents install packages with pip into the system Python, as in the reference's images
    "rm -f /usr/lib/python3*/EXTERNALLY-MANAGED"
)


def _env_dockerfile(base: str, with_settings: bool) -> str:
    lines = [f"FROM {base}", "COPY layer/ /", f"RUN {LAYER_SETUP}"]
    if with_settings:
        lines += list(ENV_SETTINGS)
    return "\n".join(lines) + "\n"


def _env_context(ctx: Path, base: str, with_settings: bool) -> str:
    """Write the build context of the env layer; returns its input hash."""
    layer = ctx / "layer"
    parts: list[bytes | str] = []
    certs = [(c, f"usr/local/share/ca-certificates/{c.name}", 0o644) for c in host_ca_certs()]
    for source, dest, mode in [(files_dir() / f, d, m) for f, d, m in LAYER_FILES] + certs:
        target = layer / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        target.chmod(mode)
        parts += [dest, str(mode), target.read_bytes()]
    for dest, data in texts.instructions_layer().items():  # the reference's when fetched, else our own
        (layer / dest).parent.mkdir(parents=True, exist_ok=True)
        (layer / dest).write_bytes(data)
        (layer / dest).chmod(0o644)
        parts += [dest, "420", data]
    dockerfile = _env_dockerfile(base, with_settings)
    (ctx / "Dockerfile").write_text(dockerfile)
    return _digest(dockerfile, *parts)


def build_env_image(client, echo: Echo, base: str | None = None, suite: str = DEFAULT_SUITE,
                    mirror: str | None = None, rebuild: bool = False) -> str:
    """Build `mlebench-env` (skipped when up to date). Returns its image id."""
    from docker.errors import ImageNotFound

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
        want = _digest(base_id, _env_context(ctx, base, with_settings=not ours))
        if not rebuild and image_hash(client, ENV_IMAGE) == want:
            echo(f"{ENV_IMAGE} is up to date")
            return client.images.get(ENV_IMAGE).id
        echo(f"building {ENV_IMAGE} on {base}")
        start = time.monotonic()
        old_id = _image_id(client, ENV_IMAGE)
        stream_build(client, path=str(ctx), tag=ENV_IMAGE, echo=echo, labels={HASH_LABEL: want})
        echo(f"{ENV_IMAGE} built in {time.monotonic() - start:.0f}s")
        _drop_replaced(client, old_id, ENV_IMAGE)
    return client.images.get(ENV_IMAGE).id


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


def _validator_dockerfile(pins: list[str]) -> str:
    return "\n".join([
        f"FROM {ENV_IMAGE}",
        # its own layer, so that a new mlebench-fast build reuses it
        f"RUN PIP_BREAK_SYSTEM_PACKAGES=1 pip install --no-cache-dir --disable-pip-version-check -q {' '.join(pins)}",
        f"COPY pkg/ {VALIDATOR_PYTHONPATH}/",
        # fail the build here, not in every run, if the core cannot load in this image
        f'RUN PYTHONPATH={VALIDATOR_PYTHONPATH} python3 -B -c "import mlebench_fast.run.validator"',
    ]) + "\n"


def validator_wanted_hash(client) -> str | None:
    """The hash the validator image must carry for the running mlebench-fast, or None when
    mlebench-env is missing."""
    from docker.errors import ImageNotFound

    try:
        env_id = client.images.get(ENV_IMAGE).id
    except ImageNotFound:
        return None
    parts: list[bytes | str] = []
    for rel, path in _package_files():
        parts += [rel.as_posix(), path.read_bytes()]
    return _digest(env_id, _validator_dockerfile(_dep_pins()), *parts)


def build_validator_image(client, echo: Echo, rebuild: bool = False) -> str:
    """Build `mlebench-validator` from mlebench-env and the running mlebench_fast package."""
    want = validator_wanted_hash(client)
    if want is None:
        raise ImageError(f"image {ENV_IMAGE} is missing: run `mlebench-fast env build` first")
    if not rebuild and image_hash(client, VALIDATOR_IMAGE) == want:
        echo(f"{VALIDATOR_IMAGE} is up to date")
        return client.images.get(VALIDATOR_IMAGE).id
    echo(f"building {VALIDATOR_IMAGE} with mlebench_fast from {_package_dir()}")
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Path(tmp)
        _copy_package(ctx / "pkg" / "mlebench_fast")
        (ctx / "Dockerfile").write_text(_validator_dockerfile(_dep_pins()))
        start = time.monotonic()
        old_id = _image_id(client, VALIDATOR_IMAGE)
        stream_build(client, path=str(ctx), tag=VALIDATOR_IMAGE, echo=echo, labels={HASH_LABEL: want})
        echo(f"{VALIDATOR_IMAGE} built in {time.monotonic() - start:.0f}s")
        _drop_replaced(client, old_id, VALIDATOR_IMAGE)
    return client.images.get(VALIDATOR_IMAGE).id


def describe(client) -> dict[str, Any]:
    """Sizes and hashes of the images, for `env build`'s summary."""
    from docker.errors import ImageNotFound

    out = {}
    for name in (ENV_IMAGE, VALIDATOR_IMAGE):
        try:
            image = client.images.get(name)
        except ImageNotFound:
            continue
        out[name] = {"id": image.short_id, "size_mib": round(image.attrs.get("Size", 0) / 2**20), "hash": image.labels.get(HASH_LABEL)}
    return out


