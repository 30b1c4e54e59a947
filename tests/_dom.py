"""A small DOM of an HTML string for the card and report tests (stdlib parser only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""  # the text inside, tags stripped, entities decoded
    children: list[Element] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        if self._open:
            self._open[-1].children.append(element)
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the nearest open element of this tag (tolerates omitted ends).
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data
        if self._open and self._open[-1].tag == "style":
            self.styles.append(data)
        if self._open and self._open[-1].tag == "script":
            self.scripts.append(data)


@dataclass
class Page:
    html: str
    elements: list[Element]
    styles: list[str]
    scripts: list[str]

    @classmethod
    def of(cls, text: str) -> Page:
        parser = _Parser()
        parser.feed(text)
        parser.close()
        return cls(text, parser.elements, parser.styles, parser.scripts)

    @property
    def marks(self) -> list[Element]:
        return [e for e in self.elements if e.tag == "mark"]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def with_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs.get("class", "").split()]

    def background(self, classes: str) -> str | None:
        """The background colour the page's CSS gives one of ``classes``' bx-f- class."""
        for name in classes.split():
            for css in self.styles:
                found = re.search(r"\." + re.escape(name) + r"\{background:([^;}]+)", css)
                if found:
                    return found.group(1)
        return None
