"""HTML → plain text for classification. Nothing is fetched: only the markup is read."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "blockquote", "pre", "hr", "ul", "ol", "dt", "dd", "section",
}
_SKIP = {"script", "style", "head", "title", "xml", "template", "object", "iframe"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "blockquote":
            self.quote_depth += 1
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.quote_depth:
            # Mark blockquoted lines like a plain-text reply so quote detection sees them.
            data = "\n".join("> " + line if line.strip() else line for line in data.split("\n"))
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except Exception:  # html.parser is lenient; a truly broken page still yields what was read
        pass
    text = "".join(collector.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
