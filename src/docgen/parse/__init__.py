"""MIME → Message: bodies, attachments (PDF, scans, DOCX, forwarded mail) and quoted history."""

from docgen.parse.attachments import Limits
from docgen.parse.mime import Incomplete, parse_message

__all__ = ["Incomplete", "Limits", "parse_message"]
