"""Run pypdf in a killable worker process with a time limit and a memory limit (RLIMIT_AS).

A worker is ``python -m dossierlink.paper.isolate`` speaking length-prefixed pickles over its
stdin and stdout: no multiprocessing start-method or ``__main__`` guard is needed by callers.
Workers are reused for the next file, so a batch pays the start-up once. A worker that
overruns its time is killed; one that exhausts its memory reports it or dies; both become a
:class:`PdfError` and the next file gets a fresh worker. Safe to call from several threads:
each call borrows its own worker.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import attrs

from dossierlink.paper.reader import PdfError, PdfLimits, PdfSummary, describe_failure, read_pdf
from dossierlink.pinned import pinned_path_for_process

__all__ = ["close_workers", "read_pdf_isolated"]

_MB = 1024 * 1024
_HEADER = struct.Struct(">Q")
_MAX_ANSWER = 256 * _MB


def _send(stream: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    chunks: list[bytes] = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("the worker closed its pipe")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(stream: IO[bytes]) -> Any:
    (length,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    if length > _MAX_ANSWER:
        raise EOFError("the worker sent an impossibly large answer")
    return pickle.loads(_read_exact(stream, length))


def _worker_main(memory_mb: int) -> None:
    """The worker loop: read (path, limits, barcodes), answer ("ok", PdfSummary) or ("error", (path, problem, reason))."""
    try:
        import resource

        limit = memory_mb * _MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still holds
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    while True:
        try:
            request = _recv(stdin)
        except (EOFError, OSError):
            return
        if request is None:
            return
        path, limits, barcodes = request
        try:
            answer: tuple[str, Any] = ("ok", read_pdf(Path(path), limits=limits, barcodes=barcodes))
        except PdfError as exc:
            answer = ("error", (exc.path, exc.problem, exc.reason))
        except MemoryError:
            answer = ("error", (path, f"reading the PDF needs more than {memory_mb} MB of memory", "memory"))
        except BaseException as exc:
            answer = ("error", (path, f"the PDF reader failed: {describe_failure(exc)}", "corrupt"))
        try:
            _send(stdout, answer)
        except MemoryError:
            return
        del answer


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        env = dict(os.environ)
        # The worker must import this very package, wherever it was imported from.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dossierlink.paper.isolate", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: object, timeout_s: float) -> Any:
        """Send one request; the answer, or TimeoutError when none arrives in time."""
        _send(self.stdin, request)
        deadline = time.monotonic() + timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.stdout], [], [], left)
            if ready:
                return _recv(self.stdout)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        except Exception:
            pass
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(Exception):
                stream.close()

    def stop(self) -> None:
        try:
            _send(self.stdin, None)
            self.process.wait(2)
        except Exception:
            pass
        self.kill()


_lock = threading.Lock()
_idle: list[_Worker] = []
_MAX_IDLE = 4


def _borrow(memory_mb: int) -> _Worker:
    with _lock:
        for i, worker in enumerate(_idle):
            if worker.memory_mb == memory_mb and worker.alive():
                return _idle.pop(i)
    return _Worker(memory_mb)


def _give_back(worker: _Worker) -> None:
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(worker)
            return
    worker.stop()


def close_workers() -> None:
    """Stop every idle worker (at exit, or to free memory)."""
    with _lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.stop()


atexit.register(close_workers)


def _forget_workers_after_fork() -> None:
    """A forked child (a process pool) must not share its parent's workers' pipes: it starts its own."""
    global _lock
    _lock = threading.Lock()
    _idle.clear()


os.register_at_fork(after_in_child=_forget_workers_after_fork)


def read_pdf_isolated(
    path: Path,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    *,
    limits: PdfLimits | None = None,
    barcodes: bool = False,
) -> PdfSummary:
    """:func:`read_pdf` in a worker process bounded by ``timeout_s`` seconds and ``memory_mb`` MB."""
    limits = limits or PdfLimits()
    if timeout_s is not None or memory_mb is not None:
        limits = attrs.evolve(
            limits,
            timeout_s=timeout_s if timeout_s is not None else limits.timeout_s,
            memory_mb=memory_mb if memory_mb is not None else limits.memory_mb,
        )
    path = Path(path).absolute()
    worker = _borrow(limits.memory_mb)
    try:
        # A file the ingest opened once is read by the worker through that same descriptor.
        status, payload = worker.ask((pinned_path_for_process(path), limits, barcodes), limits.timeout_s)
    except TimeoutError:
        worker.kill()
        raise PdfError(
            path,
            f"reading the PDF took longer than {limits.timeout_s:g} s and was stopped "
            "(a hostile or badly broken file?)",
            "timeout",
        ) from None
    except (EOFError, OSError, pickle.UnpicklingError):
        worker.kill()
        code = worker.process.returncode
        raise PdfError(
            path,
            f"the PDF reader process died (exit code {code}); the file probably needs more than "
            f"{limits.memory_mb} MB of memory",
            "memory" if code is not None and code < 0 else "crashed",
        ) from None
    except BaseException:
        worker.kill()
        raise
    if status == "ok" and isinstance(payload, PdfSummary):
        _give_back(worker)
        return attrs.evolve(payload, path=str(path))
    _, problem, reason = payload
    err_path = path
    if reason == "memory":
        worker.kill()  # after a MemoryError the worker's heap is suspect
    else:
        _give_back(worker)
    raise PdfError(err_path, problem, reason)


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]) if len(sys.argv) > 1 else PdfLimits().memory_mb)
