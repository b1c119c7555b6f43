"""One running app per shop file: a second launch wakes the first window and leaves."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop.store.locations import data_dir


def _key(location: str) -> str:
    return "aftercare-" + hashlib.sha256(location.encode()).hexdigest()[:16]


class SingleInstance(QObject):
    """Holds the shop file's lock; `activation_requested` fires when another launch knocks."""

    activation_requested = Signal()

    def __init__(self, location: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = _key(location)
        lock_folder = data_dir() / "locks"
        lock_folder.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(Path(lock_folder) / f"{self._key}.lock"))
        self._lock.setStaleLockTime(0)  # a crashed app's lock is detected by its dead PID
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process is the first for the file; otherwise wakes the first one."""
        if not self._lock.tryLock(200):
            socket = QLocalSocket()
            socket.connectToServer(self._key)
            if socket.waitForConnected(1000):
                socket.write(b"activate")
                socket.waitForBytesWritten(1000)
                socket.disconnectFromServer()
            return False
        QLocalServer.removeServer(self._key)
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self._key)
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.deleteLater()
            self.activation_requested.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
