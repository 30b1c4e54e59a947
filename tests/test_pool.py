"""Rules worker processes: results, errors, a dying worker, a killed parent, unguarded scripts."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefx._pool import RulesPool, _dumps_reply


@pytest.fixture
def pool() -> Iterator[RulesPool]:
    pool = RulesPool(1)
    pool.start(wait=True)
    yield pool
    pool.close()


def _run(pool: RulesPool, fn: functools.partial[object]) -> object:
    return asyncio.run(pool.run(fn))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has exited all the same.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


class Unbuildable(Exception):
    """Pickles, but cannot be rebuilt: its __init__ needs two arguments."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} {b}")


def _raise_unbuildable() -> None:
    raise Unbuildable("a", "b")


def test_a_task_runs_in_another_process(pool: RulesPool) -> None:
    assert _run(pool, functools.partial(os.getpid)) != os.getpid()
    assert _run(pool, functools.partial(sum, [1, 2, 3])) == 6


def test_an_exception_in_a_worker_reaches_the_caller_as_itself(pool: RulesPool) -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        _run(pool, functools.partial(int, "x"))
    # A task the worker cannot even load (defined outside an importable module).
    with pytest.raises(ModuleNotFoundError):
        _run(pool, functools.partial(_raise_unbuildable))
    assert _run(pool, functools.partial(abs, -2)) == 2  # the worker is still serving


def test_an_exception_that_cannot_be_rebuilt_is_sent_as_a_plain_error() -> None:
    try:
        _raise_unbuildable()
    except Unbuildable as exc:
        error = exc
    task_id, ok, value, _ = pickle.loads(_dumps_reply((7, False, error), []))
    assert (task_id, ok) == (7, False)
    assert isinstance(value, RuntimeError) and "could not send" in str(value)


def test_a_killed_worker_hands_its_task_back_to_this_process(
    pool: RulesPool, caplog: pytest.LogCaptureFixture
) -> None:
    worker_pid = _run(pool, functools.partial(os.getpid))
    assert isinstance(worker_pid, int)
    os.kill(worker_pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="briefx"):
        assert _run(pool, functools.partial(os.getpid)) == os.getpid()
    assert "with none the rules run here" in caplog.text
    assert _run(pool, functools.partial(os.getpid)) == os.getpid()  # and stays here


def test_no_pool_runs_in_process() -> None:
    pool = RulesPool(0)
    pool.start(wait=True)
    assert _run(pool, functools.partial(os.getpid)) == os.getpid()
    pool.close()


def test_workers_leave_with_a_killed_parent(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import asyncio, functools, os, sys, time
        from briefx._pool import RulesPool, _dumps_reply
        pool = RulesPool(1)
        pool.start(wait=True)
        print(asyncio.run(pool.run(functools.partial(os.getpid))), flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker_pid = int(parent.stdout.readline())
    assert _alive(worker_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker_pid)


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    # multiprocessing's spawn would re-run this script in the worker.
    script = tmp_path / "unguarded.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, functools
            from briefx._pool import RulesPool, _dumps_reply
            print("script ran", flush=True)
            pool = RulesPool(1)
            pool.start(wait=True)
            print(asyncio.run(pool.run(functools.partial(sum, [20, 22]))))
            pool.close()
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == ["script ran", "42"]


def test_a_workers_log_lines_reach_this_process(
    pool: RulesPool, caplog: pytest.LogCaptureFixture
) -> None:
    from briefx._prepare import prepare

    furniture = "\n".join(["3.69 BYN", "3.43 RUB", "All news", "Projects", "Government Bodies"] * 3)
    with caplog.at_level(logging.WARNING, logger="briefx"):
        prep = _run(pool, functools.partial(prepare, furniture + "\nShort article.", source_id="x"))
    assert prep.warnings  # type: ignore[attr-defined]
    (record,) = [r for r in caplog.records if "cleaning removed" in r.getMessage()]
    assert record.name == "briefx" and record.levelno == logging.WARNING
    assert record.process != os.getpid()  # written in the worker


def _pids_at_once(pool: RulesPool, n: int) -> set[object]:
    async def many() -> list[object]:
        return list(
            await asyncio.gather(*(pool.run(functools.partial(os.getpid)) for _ in range(n)))
        )

    return set(asyncio.run(many()))


def test_one_dead_worker_of_two_leaves_the_other_serving(caplog: pytest.LogCaptureFixture) -> None:
    pool = RulesPool(2)
    pool.start(wait=True)
    try:
        pids = _pids_at_once(pool, 6)
        assert len(pids) == 2 and os.getpid() not in pids
        victim = pids.pop()
        assert isinstance(victim, int)
        os.kill(victim, signal.SIGKILL)
        with caplog.at_level(logging.WARNING, logger="briefx"):
            seen = _pids_at_once(pool, 4)
        assert "1 worker(s) left" in caplog.text
        assert seen - {os.getpid()} == pids  # the survivor, and this process at most once
        assert pool.processes == 1
    finally:
        pool.close()


def test_tasks_run_here_until_a_worker_is_ready() -> None:
    pool = RulesPool(1)
    pool.start()  # the worker is still starting: importing the rules takes ~0.3 s
    try:
        assert _run(pool, functools.partial(os.getpid)) == os.getpid()
        pool.start(wait=True)
        assert _run(pool, functools.partial(os.getpid)) != os.getpid()
    finally:
        pool.close()


def test_closing_ends_each_worker_cleanly_after_its_last_answer() -> None:
    pool = RulesPool(1)
    pool.start(wait=True)
    (worker,) = pool._workers
    answers = [_run(pool, functools.partial(sum, [n, 1])) for n in range(5)]
    pool.close()
    assert answers == [1, 2, 3, 4, 5]
    assert worker.proc.returncode == 0  # it leaves by os._exit(0), not by a crash
