"""Find the arguments a zienswijze raises and choose the motivation blocks (bouwstenen) that answer them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.classify.patterns import Pattern, compile_any
from docgen.errors import TemplateError
from docgen.yamlfile import load_yaml

FILE = "bouwstenen.yaml"
MIN_WORDS = 8   # a sentence no block answers becomes an open point from this length: shorter ones argue nothing
MIN_CHARS = 12  # "Ik heb geen paspoort." is an argument a block answers
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý“\"])|\n{2,}|\n(?=\s*[-•*]\s)")


@dataclass(frozen=True)
class Block:
    key: str
    titel: str
    herken: Pattern
    tekst: str
    niet_met: tuple[str, ...] = ()  # a sentence that also calls one of these blocks does not call this one


@dataclass(frozen=True)
class Library:
    blocks: tuple[Block, ...]
    formules: Pattern
    u_vorm: tuple[tuple[str, str], ...] = ()  # phrase → the same phrase to the person herself, as u


def to_u(library: Library, text: str) -> str:
    """A block written about 'betrokkene', in a letter to the person herself: one form of address throughout."""
    for about, to in library.u_vorm:
        text = text.replace(about, to)
    return text


def current_library(templates: Path) -> Library:
    """The library as the maintainer last saved it, read again only when the file changed."""
    return _cached_library(templates, (templates / FILE).stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _cached_library(templates: Path, mtime_ns: int) -> Library:
    return load_library(templates)


def load_library(templates: Path) -> Library:
    path = templates / FILE
    try:
        doc = load_yaml(path)
    except Exception as exc:
        raise TemplateError(f"{FILE}: {exc}") from exc
    blocks = []
    for raw in doc.get("bouwstenen", []):
        missing = {"key", "titel", "herken", "tekst"} - set(raw)
        if missing:
            raise TemplateError(f"{FILE}:{raw.line}: bouwsteen lacks {sorted(missing)}; add them")
        blocks.append(Block(raw["key"], raw["titel"], compile_any(raw["herken"], str(path), raw.line),
                            " ".join(str(raw["tekst"]).split()), tuple(raw.get("niet_met", []))))
    keys = {b.key for b in blocks}
    for block in blocks:
        unknown = set(block.niet_met) - keys
        if unknown:
            raise TemplateError(f"{FILE}: bouwsteen {block.key}: niet_met names unknown blocks {sorted(unknown)}")
    pairs = doc.get("u_vorm", []) or []
    if any(not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(x, str) for x in pair) for pair in pairs):
        raise TemplateError(f"{FILE}: u_vorm is a list of pairs [\"over betrokkene\", \"tot u\"]; fix the entry")
    library = Library(tuple(blocks), compile_any(doc.get("formules", ["^$"]), str(path), None),
                      tuple((a, b) for a, b in pairs))
    for block in blocks:
        left = re.search(r"\bbetrokkene\b", to_u(library, block.tekst), re.IGNORECASE)
        if left:
            around = to_u(library, block.tekst)[max(0, left.start() - 30):left.end() + 30]
            raise TemplateError(f"{FILE}: bouwsteen {block.key}: in a letter to the person herself '…{around}…' still "
                                "says betrokkene; add a pair for that phrase to u_vorm")
    return library


def sentences(text: str) -> list[str]:
    parts = _SENTENCE.split(text.replace("\r", ""))
    return [" ".join(p.split()) for p in parts if len(" ".join(p.split())) >= MIN_CHARS]


def detect(library: Library, text: str) -> tuple[list[dict], list[str]]:
    """(chosen blocks with the sentence that called for each, sentences no block answers)."""
    chosen: dict[str, dict] = {}
    open_points: list[str] = []
    for sentence in sentences(text):
        hits = [b for b in library.blocks if b.herken.search(sentence)]
        called = {b.key for b in hits}
        hits = [b for b in hits if not called & set(b.niet_met)]
        for block in hits:
            chosen.setdefault(block.key, {"key": block.key, "titel": block.titel, "tekst": block.tekst,
                                          "zin": sentence[:300]})
        argues = len(sentence.split()) >= MIN_WORDS  # a signature or a firm's name argues nothing
        if not hits and argues and not library.formules.search(sentence) and sentence not in open_points:
            open_points.append(sentence[:300])
    return list(chosen.values()), open_points
