"""The app's own cache folder: private to the user, never the shared temp folder.

`$SPEECH_QUOTES_CACHE`, else `$XDG_CACHE_HOME/speech-quotes`, else `~/.cache/speech-quotes`.
What is cached there (jieba's dictionary with the collection's words, the normalisation
table) is only ever a faster way to compute the same thing: a missing, damaged or
unwritable cache costs time, never a different result.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

CACHE_ENV = "SPEECH_QUOTES_CACHE"


def cache_folder() -> Path:
    """`$SPEECH_QUOTES_CACHE`, else `$XDG_CACHE_HOME/speech-quotes`, else `~/.cache/speech-quotes`."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "speech-quotes"


def write_atomically(path: Path, data: bytes) -> None:
    """Put `data` at `path` in the (private, 0700) cache folder, all or nothing; best effort."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(partial, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
