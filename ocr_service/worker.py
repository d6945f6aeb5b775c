"""One OCR engine in a process of its own, driven over its stdin and stdout: `python -m ocr_service.worker`.

The parent (ocr_service.pool) sends the engine's keyword options, then `(image bytes, exact)` per request;
the worker answers `("ready", (version, exact_version))` once warmed up, then `("ok", OcrResult)` or
`("error", exception)` per image. Each message is a 4-byte big-endian length and a pickle: both ends are this package, nothing else
writes to these pipes. End of input ends the worker, so it never outlives a parent that died.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
from typing import IO, Any

HEADER = struct.Struct(">I")


def send(stream: IO[bytes], message: Any) -> None:
    """Write one framed message and flush it."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one framed message; EOFError when the other end has closed."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        raise EOFError("the pipe closed")
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the pipe closed mid-message")
    return pickle.loads(data)


def portable(error: Exception) -> Exception:
    """The error itself if it survives pickling, else an OcrError that carries its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001  (any exception type can fail to pickle in its own way)
        from ocr_service.errors import OcrError

        return OcrError(f"{type(error).__name__}: {error}")
    return error


def main() -> None:
    # Ctrl-C reaches the whole process group: the parent decides when a worker stops (it closes stdin).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Paddle and its helpers print to stdout: point it at stderr so that nothing but replies use the channel.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    options = receive(requests)
    try:
        from ocr_service.engine import OcrEngine

        engine = OcrEngine(**options)
        engine.warm_up()
    except Exception as error:  # noqa: BLE001  (re-raised by the parent's pool constructor)
        send(replies, ("error", portable(error)))
        return
    send(replies, ("ready", (engine.version, engine.exact_version)))
    while True:
        try:
            image, exact = receive(requests)
        except EOFError:
            return
        try:
            send(replies, ("ok", engine.recognize(image, exact=exact)))
        except Exception as error:  # noqa: BLE001  (the caller's future raises it)
            send(replies, ("error", portable(error)))


if __name__ == "__main__":
    main()
