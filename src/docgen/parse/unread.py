"""What could not be read goes to a human: a message with warnings goes to triage, with them as reasons.

A message is classified on what we could read. When part of it was not read (an attachment that
crashed its reader or was over a limit, OCR pages past the budget, HTML past the parser's depth), the
part we did not read may change what the message is: a monitor looks at it. The warnings are kept in
the fields under `waarschuwingen`, so the register stores them with the message.
"""

from __future__ import annotations

from dataclasses import replace

from docgen.model import Classification, Message


def all_warnings(msg: Message) -> list[str]:
    """The message's warnings and those of the messages forwarded in it, each once."""
    found: dict[str, None] = dict.fromkeys(msg.warnings)
    stack = list(msg.forwarded)
    while stack:
        inner = stack.pop()
        found.update(dict.fromkeys(inner.warnings))
        stack.extend(inner.forwarded)
    return list(found)


def flag_unread(result: Classification, msg: Message) -> Classification:
    warnings = all_warnings(msg)
    if not warnings:
        return result
    reasons = tuple(dict.fromkeys(result.triage_reasons + tuple(f"not everything could be read: {w}" for w in warnings)))
    return replace(result, triage=True, triage_reasons=reasons,
                   fields={**result.fields, "waarschuwingen": warnings})
