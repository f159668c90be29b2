"""LibreOffice headless as the archival PDF's second converter, for a DOCX with a construct the fast
converter does not render (text boxes, footnotes, other fields...). It writes PDF/A-3b
(`SelectPdfVersion` 3) with a private profile, a time limit and no network: in a network namespace
where the system allows one, and always with the DOCX's external links (linked pictures, remote
templates) removed first, so there is nothing to fetch. Tracked changes print as the final text,
as the fast converter prints them.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from docgen.errors import ArchivalPdfError
from docgen.letters.ooxml import MAX_TOTAL, PARSER, W

log = logging.getLogger(__name__)

EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
TIMEOUT = 60.0  # seconds; a letter takes one to three
DUTCH_FAILED = ("Van dit document kon geen archief-PDF worden gemaakt die precies hetzelfde zegt als het "
                "Word-bestand. Probeer het opnieuw of neem contact op met de beheerder.")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdfa(docx: bytes, timeout: float = TIMEOUT) -> bytes:
    binary = soffice()
    if binary is None:
        raise ArchivalPdfError(
            "LibreOffice is not installed, and this DOCX needs it for a faithful archival PDF",
            "Dit document bevat opmaak (zoals een tekstvak, voetnoot of veld) waarvoor op deze server "
            "LibreOffice nodig is, en dat is niet geïnstalleerd. Het document is niet opgeslagen; "
            "verwijder die opmaak of vraag de beheerder LibreOffice te installeren.")
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as tmp:
        source, out = Path(tmp, "letter.docx"), Path(tmp, "out")
        out.mkdir()
        source.write_bytes(prepared(docx))
        # coreutils' timeout kills LibreOffice's whole process group even if docgen's own process is
        # killed first (the upload renders in a bounded child process that its parent may kill).
        command = ["timeout", "--kill-after=5", f"{timeout:.0f}", *_isolation(),
                   binary, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
                   "--convert-to", EXPORT, "--outdir", str(out), str(source)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "TMPDIR": tmp,
               "LANG": "C.UTF-8", "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env, cwd=tmp, start_new_session=True)
        try:
            proc.communicate(timeout=timeout + 10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
        if proc.returncode in (124, 137, -signal.SIGKILL):
            raise ArchivalPdfError(f"LibreOffice took longer than {timeout:.0f} s to convert the DOCX", DUTCH_FAILED)
        pdf = out / "letter.pdf"
        if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            log.warning("LibreOffice exited %s without a PDF", proc.returncode)  # its stderr may quote the letter
            raise ArchivalPdfError(f"LibreOffice could not convert the DOCX (exit {proc.returncode})", DUTCH_FAILED)
        return pdf.read_bytes()


def prepared(docx: bytes) -> bytes:
    """The DOCX as LibreOffice should open it: tracked changes shown as final text, and no external
    relationship other than hyperlinks (which are never fetched)."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            if sum(info.file_size for info in source.infolist()) > MAX_TOTAL:
                raise ArchivalPdfError(f"the DOCX unpacks to more than {MAX_TOTAL} bytes", "Het Word-document is te groot.")
            for info in source.infolist():
                data = source.read(info)
                if info.filename.endswith(".rels"):
                    data = _without_external(data)
                elif info.filename == "word/settings.xml":
                    data = _final_view(data)
                target.writestr(info, data)
    except (zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ArchivalPdfError("the DOCX is damaged (a zip or XML part cannot be read)",
                               "Het Word-document is beschadigd.") from exc
    return out.getvalue()


def _without_external(rels: bytes) -> bytes:
    root = etree.fromstring(rels, PARSER)
    for element in list(root):
        if element.get("TargetMode") == "External" and not (element.get("Type") or "").endswith("/hyperlink"):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _final_view(settings: bytes) -> bytes:
    root = etree.fromstring(settings, PARSER)
    for old in root.findall(f"{W}revisionView"):
        root.remove(old)
    view = etree.Element(f"{W}revisionView")
    for name in ("markup", "insDel", "formatting"):
        view.set(f"{W}{name}", "0")
    root.insert(0, view)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@lru_cache(maxsize=1)
def _isolation() -> tuple[str, ...]:
    """A command prefix that runs LibreOffice without network: a new network namespace, as root or
    in a user namespace. Without one, the removed external links leave it nothing to fetch."""
    unshare = shutil.which("unshare")
    for prefix in ([unshare, "--net", "--"], [unshare, "--user", "--map-root-user", "--net", "--"]) if unshare else ():
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return tuple(prefix)
        except (OSError, subprocess.TimeoutExpired):
            continue
    log.warning("LibreOffice runs without its own network namespace here (unshare not permitted); "
                "external links are removed from each DOCX before it is opened")
    return ()
