"""The C allocator's settings for a planning process (issue 16: cost per municipality-month).

glibc hands back to the system the memory freed at the top of its heap as soon as more than a
small threshold is free (about twice the largest block it last had mapped, a few hundred KB
for a national plan's arrays). A national re-plan frees its (municipalities × months)
temporaries at the end of each block and call, so the next one takes every page fresh from
the kernel again: about 6,000 page faults per national re-plan, a fifth of its CPU time,
while a plan 100× the size pays almost none (numpy puts arrays of 4 MB and more on huge
pages). Keeping freed memory for reuse removes that cost at every size; the figures are the
same, only where their memory comes from changes.

Elsewhere than glibc (musl, macOS) nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys

# mallopt(3) parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# Blocks below this come from the heap and are reused; larger ones (a plan many times the
# nation's) are mapped on their own, on huge pages by numpy. 32 MiB is glibc's own upper
# bound for its self-tuned threshold on 64-bit systems.
MMAP_THRESHOLD = 32 * 1024 * 1024
# Free memory kept at the top of the heap before any is returned to the system: a national
# re-plan's temporaries, several times over. The process's peak is unchanged; what it keeps
# after the peak is at most this much.
TRIM_THRESHOLD = 256 * 1024 * 1024

_done = False


def keep_freed_memory() -> bool:
    """Tell glibc to keep freed memory for reuse (see the module's text); True if it took the
    settings. Idempotent; a no-op where the C library is not glibc."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        # The process's own symbols, libc's among them: no search for the library (ctypes'
        # find_library runs ldconfig, some 50 ms of every command's start-up).
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # The threshold for mapping first: setting either one stops glibc's self-tuning of both.
    _done = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    return _done
