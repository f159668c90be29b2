"""docgen: reads the B8/3 functional mailboxes, keeps a case register per V-nummer, drafts letters."""

__version__ = "0.1.0"
