"""Writing files atomically: a reader sees the old file or the new one, never half of one.

Plans, instances, CSV tables, workbooks and reports are all written here.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: str | Path, content: str | bytes | Callable[[Path], object]) -> None:
    """Write `content` to `path`: text (UTF-8, newlines as given), bytes, or `write(temporary path)`.

    The content goes to a new file beside the target, which then replaces it; on
    any failure, Ctrl-C included, that file is removed. The file gets the
    umask's permissions, as any new file would.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    file: BinaryIO = temporary.open("xb")  # a new file, with the umask's permissions
    try:
        if callable(content):
            file.close()
            content(temporary)  # a workbook's save(), say: it writes the file by its name
            file = temporary.open("r+b")  # to fsync what it wrote
        with file:
            if isinstance(content, str):
                file.write(content.encode("utf-8"))
            elif isinstance(content, bytes):
                file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
