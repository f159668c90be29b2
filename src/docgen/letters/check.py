"""`docgen templates check` and `preview`: a template maintainer sees at once what is broken, and how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2 import meta, nodes

from docgen.errors import DocgenError
from docgen.letters.catalogue import LETTERS, NESTED, LetterKind, templates
from docgen.letters.examples import BEHANDELAAR, EXAMPLE_TODAY, EXAMPLE_V, example_needs
from docgen.letters.render import jinja_env, render_docx

__all__ = ["EXAMPLE_V", "check_templates", "example_context", "preview"]


@dataclass(frozen=True)
class Problem:
    file: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}\n    fix: {self.fix}"


def example_context(letter: LetterKind, folder: Path) -> dict:
    from docgen.drafter import render_context

    need = example_needs(folder)[letter.name]
    return render_context(need.facts, folder, EXAMPLE_TODAY, BEHANDELAAR)


def check_templates(folder: Path) -> list[Problem]:
    problems: list[Problem] = []
    try:
        example_needs(folder)
    except DocgenError as exc:
        return [Problem("bouwstenen.yaml", str(exc), "correct the file as the message says")]
    for name, letters in templates().items():
        path = folder / f"{name}.docx"
        if not path.exists():
            problems.append(Problem(path.name, "the template is missing",
                                    f"add {path.name} (letters {', '.join(l.name for l in letters)} use it)"))
            continue
        allowed = frozenset().union(*(l.variables for l in letters))
        try:
            tree = _parse(path)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(path.name, f"template syntax error: {exc.message}",
                                    "check the {{ }} and {% %} tags around it; tags may not contain Word formatting "
                                    "changes or smart quotes"))
            continue
        for variable in sorted(meta.find_undeclared_variables(tree) - allowed):
            problems.append(Problem(path.name, f"unknown variable '{variable}'",
                                    f"use one of: {', '.join(sorted(allowed))}; or remove it"))
        problems.extend(_nested(path.name, tree))
        for letter in letters:
            problems.extend(_required(path, letter, folder))
    return problems


def _parse(path: Path) -> nodes.Template:
    doc = DocxTemplate(str(path))
    doc.init_docx()
    xml = doc.patch_xml(doc.get_xml())
    return jinja_env().parse(xml)


def _nested(file: str, tree: nodes.Template) -> list[Problem]:
    """docxtpl's own check misses `{{ blok.titell }}`: check attributes of loop items against the data model."""
    problems = []
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.iter, nodes.Name) and loop.iter.name in NESTED and isinstance(loop.target, nodes.Name):
            known = NESTED[loop.iter.name]
            for node in loop.find_all(nodes.Getattr):
                if isinstance(node.node, nodes.Name) and node.node.name == loop.target.name and node.attr not in known:
                    problems.append(Problem(file, f"unknown field '{loop.target.name}.{node.attr}' of {loop.iter.name}",
                                            f"use one of: {', '.join(sorted(known))}"))
    return problems


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
REMEDY_WORDS = ("bezwaar", "vier weken", "artikel 69")


def _required(path: Path, letter: LetterKind, folder: Path) -> list[Problem]:
    """The machine-checkable part of LETTERS.md, on the letter rendered for the example case."""
    from docgen.letters.unfinished import docx_plain_text, unfinished

    context = example_context(letter, folder)
    try:
        rendered = render_docx(path, context)
    except DocgenError as exc:
        return [Problem(path.name, f"cannot be rendered for {letter.name}: {exc}", "see the message")]
    text = docx_plain_text(rendered)
    flat = " ".join(text.split())
    problems = []

    def problem(what: str, fix: str) -> None:
        problems.append(Problem(path.name, f"the letter {letter.name} {what}", fix))

    for key in ("datum", "kenmerk", "v_nummer", "naam", "geboortedatum"):
        if context[key] not in text:
            problem(f"does not show {key}", f"every letter carries date, reference, V-nummer, name and date of birth: "
                                            f"add {{{{ {key} }}}}")
    lines = [line for line in context.get("geadresseerde", []) if line]
    if not lines or not all(line in text for line in lines):
        problem("has no addressee block", "add {%p for regel in geadresseerde %} {{ regel }} {%p endfor %} at the top")
    for phrase in letter.required:
        if phrase not in flat:
            problem(f"lacks '{phrase}'", "restore the wording that contains it (legal grounds, remedy clause, terms)")
    if letter.besluit and not all(word in flat for word in REMEDY_WORDS):
        problem("is a beschikking without the legal-remedy clause",
                "add the paragraph on bezwaar within four weeks (artikel 69 Vw, artikel 6:7 Awb)")
    for phrase in letter.forbidden:
        if phrase.lower() in flat.lower():
            problem(f"says '{phrase}', which it must not (LETTERS.md)",
                    "a kennisgeving is no besluit and has no remedy clause; the gemeente learns no ground")
    for iso in sorted(set(ISO_DATE.findall(text))):
        problem(f"shows the date {iso} in ISO form", "dates are Dutch (3 maart 2026): use a date variable as it is")
    for left in unfinished(text):
        if not left.startswith("[OPEN PUNT"):
            problem(f"still shows the placeholder {left} for a complete case",
                    "every value comes from the case; check the variable's name in the template")
    return problems


def preview(folder: Path, name: str, out: Path) -> tuple[Path, Path]:
    from docgen.letters.render import render_letter

    letter = next((l for l in LETTERS if name in (l.name, l.template)), None)
    if letter is None:
        raise DocgenError(f"no letter or template named {name!r}; known: {', '.join(l.name for l in LETTERS)}")
    rendered = render_letter(folder / f"{letter.template}.docx", example_context(letter, folder), letter.title)
    out.mkdir(parents=True, exist_ok=True)
    docx_path, pdf_path = out / f"{letter.name}.docx", out / f"{letter.name}.pdf"
    docx_path.write_bytes(rendered.docx)
    pdf_path.write_bytes(rendered.pdf)
    return docx_path, pdf_path
