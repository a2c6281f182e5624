"""The C allocator's settings for a planning process (issue 16: cost per municipality-month).

glibc hands back to the system the memory freed at the top of its heap as soon as more than a
small threshold is free (about twice the largest block it last had mapped, a few hundred KB
for a national plan's arrays). A national re-plan frees its (municipalities × months)
temporaries at the end of each block and call, so the next one takes every page fresh from
the kernel again: about 6,000 page faults per national re-plan, a fifth of its CPU time,
while a plan 100× the size pays almost none (numpy puts arrays of 4 MB and more on huge
pages). Keeping freed memory for reuse removes that cost at every size; the figures are the
same, only where their memory comes from changes.

A plan many times the nation's has arrays above glibc's largest mapping threshold (32 MiB on
64-bit), which glibc maps on their own and unmaps on free whatever the thresholds say: a
100× re-plan took its ~40 MB arrays fresh from the kernel on every call (some 20,000 page
faults, a quarter of its CPU time, 1.7× the national cost per municipality-month). So no block
is mapped on its own: every one comes from the heap, and freed ones stay there for reuse.

Elsewhere than glibc (musl, macOS) nothing is changed.
"""

from __future__ import annotations

import ctypes
import sys

# mallopt(3) parameters.
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
# How many blocks glibc may map on their own: none (see the module's text).
MMAP_MAX = 0
# Free memory kept at the top of the heap before any is returned to the system: the
# temporaries of a re-plan 100× the nation's (about 1.5 GiB at its peak). mallopt takes an int,
# so this is the most it can be told. A process keeps at most its own peak; a one-shot CLI
# run gives it all back at exit, and the server's peak is its largest request.
TRIM_THRESHOLD = 2**31 - 1

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
    # Setting the trim threshold also stops glibc's self-tuning of it.
    _done = bool(mallopt(_M_MMAP_MAX, MMAP_MAX)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    return _done
