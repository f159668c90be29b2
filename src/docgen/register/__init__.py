"""The case register: messages, events per V-nummer, drafts; stored in SQLite under the data directory."""

from docgen.register.store import Store

__all__ = ["Store"]
