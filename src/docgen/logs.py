"""Log lines carry values from outside: file names, Message-IDs, reasons that quote them. Each line is
escaped in one place, the formatter the CLI installs, so that no call site can forget: a value cannot
start a line of its own (a forged log record) or hide text with control or text-direction characters.
A traceback keeps its lines, each indented, so none of them can pass for a record either.
"""

from __future__ import annotations

import logging
import re
import sys

FORMAT = "%(asctime)s %(levelname)s %(message)s"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def escape(text: str) -> str:
    """Control and text-direction characters as visible escapes: a newline becomes `\\n`."""
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match) -> str:
    char = match.group(0)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    if named:
        return named
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg, args = record.msg, record.args
        record.msg, record.args = escape(record.getMessage()), None
        try:
            return super().format(record)
        finally:
            record.msg, record.args = msg, args

    def formatException(self, ei) -> str:
        return "\n".join("    " + escape(line) for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join("    " + escape(line) for line in stack_info.splitlines())


def setup(level: int = logging.INFO) -> None:
    """Log to stderr through the escaping formatter; quiet the libraries that talk too much."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("weasyprint", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
