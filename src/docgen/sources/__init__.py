"""Where messages come from: drop folders (watchdog) and, later, IMAP mailboxes."""
