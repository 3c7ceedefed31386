"""Giving back to the system the memory start-up used once (issue 17: idle RSS).

Start-up allocates and frees a lot (settings, the migration check, the catch-up of missed
reminders, the platforms' handshakes); glibc keeps the freed pages in its heaps, where they
count in the resident set although nothing uses them. `malloc_trim(0)` returns them. Only on
glibc: elsewhere (musl, macOS) the function is missing and this does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import logging

logger = logging.getLogger(__name__)


def release_start_up_memory() -> bool:
    """Collects garbage, then hands free heap pages back; True when malloc_trim ran."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True
