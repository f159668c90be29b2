"""MIME → Message: bodies, attachments (PDF, scans, DOCX, forwarded mail) and quoted history."""

from docgen.parse.mime import Limits, parse_message

__all__ = ["Limits", "parse_message"]
