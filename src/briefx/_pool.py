"""Worker processes for the rules, so many articles at once do not queue on one core.

Assembling a record (dates, regions, money, topics, companies, presence) is
pure Python: 15-20 ms of CPU per article. On the event loop that drives the
model calls it is the bottleneck of a batch against a fast server: 16 articles
in flight cost 16 x 20 ms every round. In a worker process it runs beside the
loop on another core, and the loop only sends the requests.

Workers are plain ``python -m briefx._pool`` children talking pickles over
their stdin and stdout. Not ``multiprocessing``: its spawn and forkserver
methods re-run the caller's main script in every worker (a script without an
``if __name__ == "__main__"`` guard would start batches inside batches), and
fork is unsafe once the event loop has threads. A worker imports only the
rules (briefx's top level is lazy), starts while the first requests are out,
and exits when its stdin closes, so a killed parent leaves no orphan. If a
worker dies, its tasks run in this process instead: nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import itertools
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import IO, Any, TypeVar

log = logging.getLogger("briefx")

R = TypeVar("R")
_HEADER = struct.Struct(">I")  # frame length
_READY = -1  # the task id of the frame a worker sends once it can take tasks
# What the tasks call: imported before a worker says it is ready.
_PRELOAD = ("briefx._prepare", "briefx._assemble")


class WorkerDied(RuntimeError):
    """A worker process ended while it held a task."""


class RulesPool:
    """``processes`` workers started on demand; ``run`` falls back to this process."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._workers: list[_Worker] = []
        self._ids = itertools.count()
        self._lock = threading.Lock()

    def start(self, wait: bool = False) -> None:
        """Start the workers (idempotent); with ``wait``, until each can take tasks.

        Until a worker has imported the rules, tasks run in this process, so
        starting workers never makes the first articles slower.
        """
        with self._lock:
            while len(self._workers) < self.processes:
                self._workers.append(_Worker())
            workers = list(self._workers)
        if wait:
            for worker in workers:
                worker.ready.wait(timeout=60)

    async def run(self, fn: Callable[[], R]) -> R:
        """``fn()`` in a worker (``fn`` must pickle), or here when there is none."""
        future = self._submit(fn)
        if future is None:
            return fn()
        try:
            return await asyncio.wrap_future(future)
        except WorkerDied:
            self._drop_dead()
            return fn()

    def _submit(self, fn: Callable[[], R]) -> Future[R] | None:
        self._drop_dead()
        with self._lock:
            ready = [w for w in self._workers if w.ready.is_set()]
            if not ready:
                return None
            worker = min(ready, key=lambda w: len(w.pending))
            return worker.submit(next(self._ids), pickle.dumps(fn, pickle.HIGHEST_PROTOCOL))

    def _drop_dead(self) -> None:
        """Forget dead workers, and start no new ones: whatever killed one may again."""
        with self._lock:
            dead = [w for w in self._workers if not w.alive]
            if not dead:
                return
            self._workers = [w for w in self._workers if w.alive]
            self.processes = len(self._workers)
        for worker in dead:
            log.warning(
                "a rules worker process exited with code %s; %d worker(s) left, "
                "with none the rules run here",
                worker.proc.poll(),
                self.processes,
            )
            worker.close()  # quick: its process has exited

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.close()


class _Worker:
    """One child process with a writer and a reader thread."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # The child must import this same briefx, even one put on sys.path by hand.
        here = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
        level = str(log.getEffectiveLevel())  # the worker logs what this process would
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefx._pool", level],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.pending: dict[int, Future[Any]] = {}
        self.alive = True
        self.ready = threading.Event()  # set once the worker has imported the rules
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._write, name="briefx-rules-writer", daemon=True),
            threading.Thread(target=self._read, name="briefx-rules-reader", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, task_id: int, payload: bytes) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if not self.alive:
                future.set_exception(WorkerDied("a rules worker process had exited"))
                return future
            self.pending[task_id] = future
        self._outbox.put(pickle.dumps((task_id, payload)))
        return future

    def _write(self) -> None:
        # A thread of its own: a busy worker's full pipe must not block the event loop.
        stdin = self.proc.stdin
        assert stdin is not None
        with contextlib.suppress(OSError):  # a dead worker: the reader fails its tasks
            while (frame := self._outbox.get()) is not None:
                _write_frame(stdin, frame)
        with contextlib.suppress(OSError):
            stdin.close()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while (frame := _read_frame(stdout)) is not None:
                task_id, ok, value, records = pickle.loads(frame)
                if task_id == _READY:
                    self.ready.set()
                    continue
                for record in records:  # the task's log lines, to this process's handlers
                    logging.getLogger(record.name).handle(record)
                with self._lock:
                    future = self.pending.pop(task_id)
                _settle(future, ok, value)
        finally:
            self.ready.set()  # a dead worker never becomes ready: let waiters go
            with self._lock:
                self.alive = False
                orphans, self.pending = list(self.pending.values()), {}
            code = self.proc.wait()
            for future in orphans:
                died = WorkerDied(f"a rules worker process exited with code {code}")
                _settle(future, False, died)

    def close(self) -> None:
        self._outbox.put(None)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for thread in self._threads:
            thread.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _settle(future: Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():  # its caller was cancelled (Ctrl-C): nobody waits for it
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


def _write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    return data if len(data) == size else None


class _Collect(logging.Handler):
    """Keeps a task's log records, made picklable, to send back with its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # As logging.handlers.QueueHandler.prepare: the message is rendered here.
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _serve(inp: IO[bytes], out: IO[bytes], collect: _Collect) -> None:
    """The worker's loop: run each task, answer with its result or its exception."""
    while (frame := _read_frame(inp)) is not None:
        task_id, payload = pickle.loads(frame)
        collect.records = []
        try:
            reply: tuple[int, bool, Any] = (task_id, True, pickle.loads(payload)())
        except BaseException as exc:
            reply = (task_id, False, exc)
        _write_frame(out, _dumps_reply(reply, collect.records))


def _dumps_reply(reply: tuple[int, bool, Any], records: list[logging.LogRecord]) -> bytes:
    """The reply pickled so the parent can load it; else a plain error in its place."""
    task_id, ok, value = reply
    try:
        data = pickle.dumps((task_id, ok, value, records), pickle.HIGHEST_PROTOCOL)
        if not ok:
            pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
        return data
    except Exception as exc:
        error = RuntimeError(f"rules worker could not send {value!r}: {exc!r}")
        return pickle.dumps((task_id, False, error, []), pickle.HIGHEST_PROTOCOL)


def _main(level: int) -> None:
    # Frames own the real stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    collect = _Collect()
    log.addHandler(collect)
    log.setLevel(level)
    log.propagate = False
    for module in _PRELOAD:
        importlib.import_module(module)
    _write_frame(out, pickle.dumps((_READY, True, None, []), pickle.HIGHEST_PROTOCOL))
    _serve(sys.stdin.buffer, out, collect)
    # Every answer is written and flushed: skip the interpreter's teardown, as
    # multiprocessing's children do. It took 60 ms that a closing batch waits for.
    sys.stdout.flush()  # a task's prints, which go to stderr
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    _main(int(sys.argv[1]) if len(sys.argv) > 1 else logging.WARNING)
