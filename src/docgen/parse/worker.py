"""The reader worker: a child process that reads PDFs and scans under a memory limit (RLIMIT_AS).

Started once by parse/sandbox.py and reused for many attachments. It speaks JSON over a socket, never
pickle: a worker that a hostile PDF took over can send its parent only text. Run as
`python -I -c 'from docgen.parse.worker import main; main()' FD MEMORY_BYTES`.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def main() -> None:
    fd, memory = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))  # tesseract inherits it
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file with the mail in it
    # A batch process does not preempt the parent when woken: the parent goes on parsing while the
    # worker reads, on another core when there is one.
    os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    import socket

    from docgen.parse import pdf  # after the limit: pdfium and PIL are loaded inside it
    from docgen.parse.sandbox import recv_frame, send_frame

    sock = socket.socket(fileno=fd)
    while True:
        try:
            message = recv_frame(sock, 1 << 30)
        except (EOFError, OSError):
            return  # the parent is gone or closed us
        size = int.from_bytes(message[:4], "big")
        header, data = json.loads(message[4:4 + size]), message[4 + size:]
        send_frame(sock, json.dumps(_handle(pdf, header, data)).encode("utf-8"))


def _handle(pdf, header: dict, data: bytes) -> dict:
    budget = pdf.OcrBudget(pages=header["ocr_pages"], seconds=header["ocr_seconds"],
                           max_pixels=header["max_pixels"], enabled=header["ocr"])
    name = header["name"]
    try:
        if header["op"] == "pdf":
            reading = pdf.pdf_text(data, name, header["max_pages"], budget)
        else:
            reading = pdf.image_text(data, name, header["min_side"], budget)
    except MemoryError:
        reading = pdf.Reading()
        reading.refuse(f"attachment {name!r} was not read: it needs more memory than the limit")
    except Exception as exc:  # noqa: BLE001 - pdfium and PIL raise their own types; a bad file is a warning
        reading = pdf.Reading()
        reading.warnings.append(f"attachment {name!r} could not be read: {type(exc).__name__}")
    return {"text": reading.text.encode("utf-8", "replace").decode("utf-8"), "method": reading.method,
            "warnings": reading.warnings, "over_limit": reading.over_limit, "not_ocrd": reading.not_ocrd,
            "ocr_pages": budget.used_pages, "ocr_seconds": budget.used_seconds, "pid": os.getpid()}


if __name__ == "__main__":
    main()
