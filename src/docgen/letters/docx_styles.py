"""Word styles resolved the way Writer reads them: document defaults, then the paragraph style and
its bases, then the character style and its bases, then direct formatting; the last one set wins.

Only what changes the printed text (hidden, capitals) or the letter's shape (bold, italic, size,
alignment, indents, spacing, headings, numbering through a style) is resolved."""

from __future__ import annotations

from dataclasses import dataclass

from docgen.letters.ooxml import W, on, twips, val


@dataclass(frozen=True)
class RunLook:
    hidden: bool = False
    caps: bool = False
    small_caps: bool = False
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    vert: str | None = None    # "superscript" | "subscript"
    size: float | None = None  # points
    symbol: bool = False       # a symbol font: its letters print as pictures, not as letters


SYMBOL_FONTS = {"symbol", "wingdings", "wingdings 2", "wingdings 3", "webdings", "zapfdingbats", "mt extra",
                "marlett"}
_TOGGLES = {"vanish": "hidden", "caps": "caps", "smallCaps": "small_caps", "b": "bold", "i": "italic",
            "strike": "strike", "dstrike": "strike"}


class Styles:
    def __init__(self, root):
        self._styles: dict[str, object] = {}
        self._chains: dict[str | None, list] = {}
        self._looks: dict[tuple, dict] = {}
        self.default_paragraph: str | None = None
        self.default_character: str | None = None
        self._default_rpr = self._default_ppr = None
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            sid = val(style, "styleId")
            if sid is None:
                continue
            self._styles[sid] = style
            if on_default(style):
                kind = val(style, "type")
                if kind == "paragraph":
                    self.default_paragraph = sid
                elif kind == "character":
                    self.default_character = sid
        defaults = root.find(f"{W}docDefaults")
        if defaults is not None:
            self._default_rpr = defaults.find(f"{W}rPrDefault/{W}rPr")
            self._default_ppr = defaults.find(f"{W}pPrDefault/{W}pPr")

    def chain(self, sid: str | None) -> list:
        """The style and its bases, base first; a loop in basedOn is cut where it closes."""
        if sid not in self._chains:
            self._chains[sid] = self._chain(sid)
        return self._chains[sid]

    def _chain(self, sid: str | None) -> list:
        found, seen = [], set()
        while sid and sid in self._styles and sid not in seen:
            seen.add(sid)
            found.append(self._styles[sid])
            sid = val(self._styles[sid].find(f"{W}basedOn"))
        return found[::-1]

    def paragraph_style(self, ppr) -> str | None:
        sid = val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        return sid if sid in self._styles else self.default_paragraph

    def run_look(self, paragraph_style: str | None, rpr) -> RunLook:
        rstyle = val(rpr.find(f"{W}rStyle")) if rpr is not None else None
        key = (paragraph_style, rstyle or self.default_character)
        if key not in self._looks:  # resolved once per pair of styles
            layers = [self._default_rpr] + [s.find(f"{W}rPr") for s in self.chain(key[0])]
            self._looks[key] = _apply({}, layers + [s.find(f"{W}rPr") for s in self.chain(key[1])])
        return RunLook(**_apply(dict(self._looks[key]), [rpr]))

    def paragraph_property(self, paragraph_style: str | None, ppr, name: str):
        """The nearest w:pPr child called `name`: direct formatting, then the style's chain, then defaults."""
        if ppr is not None and (found := ppr.find(f"{W}{name}")) is not None:
            return found
        for style in reversed(self.chain(paragraph_style)):
            if (found := style.find(f"{W}pPr/{W}{name}")) is not None:
                return found
        return self._default_ppr.find(f"{W}{name}") if self._default_ppr is not None else None

    def mark_hidden(self, paragraph_style: str | None, ppr) -> bool:
        """Whether the paragraph mark itself is hidden (Writer then joins the paragraph to the next)."""
        mark = ppr.find(f"{W}rPr") if ppr is not None else None
        return self.run_look(paragraph_style, mark).hidden

    def heading_level(self, sid: str | None) -> int | None:
        style = self._styles.get(sid) if sid else None
        name = (val(style.find(f"{W}name")) or "").lower() if style is not None else ""
        if name.startswith("heading ") and name[8:].isdigit() and 1 <= int(name[8:]) <= 6:
            return int(name[8:])
        return None

    def numbering_link(self, sid: str | None) -> str | None:
        """The numbering style an abstractNum's numStyleLink names: its w:numPr/w:numId."""
        for style in reversed(self.chain(sid)):
            num = style.find(f"{W}pPr/{W}numPr/{W}numId")
            if num is not None:
                return val(num)
        return None


def on_default(style) -> bool:
    return val(style, "default") in ("1", "true", "on")


def _apply(look: dict, layers) -> dict:
    """Each layer's run properties over those before it: the last one set wins."""
    for layer in layers:
        if layer is None:
            continue
        for child in layer:
            name = child.tag[len(W):] if isinstance(child.tag, str) and child.tag.startswith(W) else ""
            if name in _TOGGLES:
                look[_TOGGLES[name]] = on(child)
            elif name == "u":
                look["underline"] = val(child) not in (None, "none")
            elif name == "vertAlign":
                look["vert"] = val(child) if val(child) in ("superscript", "subscript") else None
            elif name == "sz" and twips(child, "val"):
                look["size"] = twips(child, "val") / 2
            elif name == "rFonts":
                fonts = {(val(child, a) or "").lower() for a in ("ascii", "hAnsi", "cs", "eastAsia")}
                look["symbol"] = bool(fonts & SYMBOL_FONTS)
    return look
