"""The exceptions docgen raises, one tree so callers can catch at the right depth.

    DocgenError                 anything docgen itself refuses
    ├── RuleError               a rule file is invalid (file, line, reason); stops the start
    ├── QuarantineError         a message is unsafe or unreadable; it goes to quarantine, with reason
    ├── TemplateError           a letter template is broken or needs data the letter lacks
    ├── ArchivalPdfError        no archival PDF can be made that says what the DOCX says
    └── RegisterError           the case register cannot record what it was given
"""


class DocgenError(Exception):
    """Base of every error docgen raises on purpose."""


class RuleError(DocgenError):
    """Raised while loading inbox_rules/ when a file or a rule in it is invalid."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")


class QuarantineError(DocgenError):
    """Raised by parsing when a message must not be handled automatically."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class TemplateError(DocgenError):
    """Raised when a template cannot be rendered; the message names file, variable and fix."""


class ArchivalPdfError(DocgenError):
    """Raised when a DOCX cannot become an archival PDF with the same text (unreadable file, or a
    construct only LibreOffice renders while LibreOffice is missing or fails). `dutch` is the reason
    for the behandelaar; the message (English) is for the log and names no content."""

    def __init__(self, reason: str, dutch: str):
        self.reason, self.dutch = reason, dutch
        super().__init__(reason)


class RegisterError(DocgenError):
    """Raised when the case register refuses an event."""
