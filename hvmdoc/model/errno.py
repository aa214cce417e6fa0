"""The errno values and ``strerror()`` texts the model returns (illumos ``sys/errno.h``)."""

from __future__ import annotations

ENOENT = 2
ENXIO = 6
EBUSY = 16
EEXIST = 17
EINVAL = 22

#: illumos ``strerror()`` texts (``lib/libc/port/gen/errlst.c``).
STRERROR: dict[int, str] = {
    0: "Error 0",
    ENOENT: "No such file or directory",
    ENXIO: "No such device or address",
    EBUSY: "Device busy",
    EEXIST: "File exists",
    EINVAL: "Invalid argument",
}


def strerror(errno: int) -> str:
    """The message ``perror()``/``strerror()`` print for ``errno`` on illumos."""
    return STRERROR.get(errno, f"Unknown error {errno}")
