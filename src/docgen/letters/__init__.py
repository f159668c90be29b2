"""Letters: the data each letter needs, rendering to DOCX (docxtpl) and archival PDF (weasyprint)."""
