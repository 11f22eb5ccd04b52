"""An exclusive, non-blocking lock on an open file, on POSIX (flock) and on Windows (msvcrt), so a
second build of the same database is refused on an analyst's Windows laptop as it is here."""

from __future__ import annotations

import os
from typing import IO

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _FAR = 1 << 30  # lock one byte far past the PID text, so a refused build can still read it

    def try_lock(handle: IO) -> bool:
        """Take the lock, or False if another process holds it."""
        position = handle.tell()
        handle.seek(_FAR)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            handle.seek(position)
        return True

    def unlock(handle: IO) -> None:
        """Give the lock back."""
        handle.seek(_FAR)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(handle: IO) -> bool:
        """Take the lock, or False if another process holds it."""
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(handle: IO) -> None:
        """Give the lock back."""
        fcntl.flock(handle, fcntl.LOCK_UN)
