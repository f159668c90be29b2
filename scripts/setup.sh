#!/usr/bin/env bash
# Sets up everything docgen needs on a Debian machine (run as root): the Debian
# packages for PDF rendering (WeasyPrint, and LibreOffice for the DOCX constructs it
# cannot render), OCR and PDF reading, a virtual environment in .venv and the
# Python packages. Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(
  tesseract-ocr tesseract-ocr-nld      # OCR of scanned attachments
  poppler-utils                        # pdftotext: tests read drafted PDFs back
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # weasyprint
  fonts-dejavu-core fonts-liberation   # fonts for the PDF letters
  libreoffice-writer-nogui             # archival PDF of an upload with text boxes, footnotes, fields...
  shared-mime-info
  ${DOCGEN_EXTRA_DEBS:-}
)
missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt_install=(apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}")
  "${apt_install[@]}" >&2 || { apt-get -q update >&2 && "${apt_install[@]}" >&2; }
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  # Debian's own Python ships venv separately (python3-venv).
  "$PY" -m venv .venv 2>/dev/null || {
    rm -rf .venv
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2 ||
      { apt-get -q update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >&2; }
    "$PY" -m venv .venv
  }
fi
stamp=.venv/.docgen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]' >&2
  touch "$stamp"
fi
