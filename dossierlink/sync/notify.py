"""systemd's sd_notify protocol: READY, WATCHDOG and STATUS datagrams to ``$NOTIFY_SOCKET``.

The protocol (sd_notify(3)): one datagram of ``KEY=VALUE`` lines on the Unix socket named by
``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace). ``$WATCHDOG_USEC`` asks for
``WATCHDOG=1`` at least that often (we send at half the interval); ``$WATCHDOG_PID``, when set,
names the one process it is meant for. Without ``$NOTIFY_SOCKET`` every call does nothing, so the
daemon runs the same outside systemd. A failed send is logged once and never stops the daemon.
"""

from __future__ import annotations

import logging
import os
import socket
import time

__all__ = ["Notifier"]

log = logging.getLogger("dossierlink.sync")


class Notifier:
    """Tells the service manager when the daemon is ready, that it is alive, and what it is doing."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        self._address: str | bytes | None = None
        if address.startswith("@"):
            self._address = b"\0" + address[1:].encode()
        elif address.startswith("/"):
            self._address = address
        self.watchdog_interval: float | None = None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.watchdog_interval = int(usec) / 1_000_000
        self._next_watchdog = 0.0
        self._last_status = ""
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def send(self, **fields: str) -> bool:
        """Send one datagram of ``KEY=VALUE`` lines; False when there is no manager or it failed."""
        if self._address is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode()
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message, self._address)
        except OSError as exc:
            if not self._warned:
                log.warning("could not notify the service manager at $NOTIFY_SOCKET: %s", exc)
                self._warned = True
            return False
        return True

    def ready(self, status: str) -> None:
        """The start-up scan is done: systemd may start what depends on the daemon."""
        self._last_status = status
        self.send(READY="1", STATUS=status, MAINPID=str(os.getpid()))

    def status(self, status: str) -> None:
        """A one-line state for ``systemctl status``; sent only when it changed."""
        if status != self._last_status:
            self._last_status = status
            self.send(STATUS=status)

    def watchdog(self, now: float | None = None) -> None:
        """Keep-alive from the main loop, at most twice per watchdog interval."""
        if self.watchdog_interval is None:
            return
        now = time.monotonic() if now is None else now
        if now >= self._next_watchdog:
            self._next_watchdog = now + self.watchdog_interval / 2
            self.send(WATCHDOG="1")

    def next_due(self) -> float | None:
        """When the loop must wake for the next keep-alive (monotonic clock), if a watchdog is set."""
        return self._next_watchdog if self.watchdog_interval is not None else None

    def stopping(self, status: str) -> None:
        self.send(STOPPING="1", STATUS=status)
