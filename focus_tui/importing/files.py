"""Files from the user's disk, read for attaching to a record.

Only reads: what the file is called, how big it is, what kind of file it is
(a picture's pixels too) and its bytes a piece at a time. The domain
(`domain.attachments`) hashes and stores them; a file is never read whole
into memory.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from typing import BinaryIO

from ..core.errors import UserError
from ..core.text import checked_path, shown

CHUNK = 1024 * 1024  # bytes read (and stored) at a time

# Content that names its own kind, for a file whose name does not.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
)


@dataclass(frozen=True)
class LocalFile:
    """A regular file on disk, checked when it was named."""

    path: str
    name: str  # the base name, as it will be listed
    size: int
    media_type: str
    picture_size: tuple[int, int] | None  # (width, height) of a picture

    def chunks(self) -> Iterator[bytes]:
        """The content a piece at a time (read afresh on every call)."""
        with open(self.path, "rb") as handle:
            yield from iter(lambda: handle.read(CHUNK), b"")


def open_regular(name: str) -> tuple[BinaryIO, os.stat_result]:
    """A user's file opened for reading, with its stat; a UserError saying
    why when it cannot be (missing, a folder, a device, unreadable).

    Opened non-blocking, so a FIFO given by mistake is refused, not waited
    on for ever (no effect on a regular file)."""
    where = shown(name)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise UserError(f"There is no file {where}.") from None
    except IsADirectoryError:
        raise UserError(f"{where} is a folder, not a file.") from None
    except PermissionError:
        raise UserError(f"{where} cannot be read (permission denied).") from None
    except OSError as exc:
        raise UserError(f"{where} cannot be read: {exc.strerror or exc}.") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UserError(f"{where} is a folder, not a file.")
        raise UserError(f"{where} is not a regular file.")
    return os.fdopen(fd, "rb"), info


def read_error(name: str, exc: OSError) -> UserError:
    return UserError(f"{shown(name)} cannot be read: {exc.strerror or exc}.")


def local_file(path: str | os.PathLike) -> LocalFile:
    """`path` as a file to attach, or a UserError saying why it cannot be."""
    text = checked_path(os.fspath(path))
    handle, info = open_regular(text)
    with handle:
        try:
            head = handle.read(64)
        except OSError as exc:
            raise read_error(text, exc) from None
    name = os.path.basename(os.path.normpath(text)) or "file"
    kind = media_type(name, head)
    size = None
    if kind.startswith("image/"):
        size = picture_size(partial(open, text, "rb"))
    return LocalFile(text, name, info.st_size, kind, size)


def media_type(name: str, head: bytes) -> str:
    """The file's kind: from its name, else from its first bytes."""
    guessed = type_by_name(name)
    if guessed:
        return guessed
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    printable = all(b >= 32 or b in b"\t\n\r\f" for b in head)
    return "text/plain" if head and printable else "application/octet-stream"


def type_by_name(name: str) -> str | None:
    """The kind a file's name says it is (None: the name does not say)."""
    return mimetypes.guess_type(name, strict=False)[0]


def picture_size(opener: Callable[[], BinaryIO]) -> tuple[int, int] | None:
    """(width, height) of a picture, read from its header only (Pillow does
    not decode the pixels for this); None when it is no picture Pillow
    knows."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return None
    try:
        with opener() as handle, Image.open(handle) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    except Image.DecompressionBombError:  # only the size was read: still a size
        return None
    return (int(width), int(height))


def bytes_picture_size(data: bytes) -> tuple[int, int] | None:
    """`picture_size` of content already in memory (an e-mail's picture)."""
    return picture_size(lambda: BytesIO(data))
