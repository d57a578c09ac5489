"""A page capture (the plain-text rendering the city's CMS gives, or HTML) → the page's structure: publishing
office, breadcrumb, title, paragraphs, lists, contact block and teasers. HTML is first rendered to the same text
form (ordered lists as "1.", bullets as "•"), so there is one reader of the template."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Section headings of the template, German and English.
CONTACT = {"Kontakt", "Contact"}
ADDRESS = {"Anschrift und Erreichbarkeit", "Address and directions", "Anschrift:", "Address:", "Anschrift", "Address"}
PERSONS = {"Personen", "People", "Persons", "Contacts"}
TEASERS = {"Mehr zum Thema", "More on this topic", "Related topics"}
_ORDERED = re.compile(r"^\s*\d+\.\s+(.*)$")
_BULLET = re.compile(r"^\s*[•·\-*]\s+(.*)$")
_POSTCODE_TOWN = re.compile(r"^(\d{4,5})\s+(.+)$")
_PERSON = re.compile(r"^(?:Portrait\s+|Porträt\s+)?(?P<name>\S.*?)\s+(?P=name)\s+(?P<role>\S.*)$")


class NotATemplatePage(ValueError):
    """The capture does not have the shape of the city's page template."""


@dataclass
class Person:
    name: str
    role: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Contact:
    office: str
    street: str | None = None
    postcode: str | None = None
    town: str | None = None
    persons: list[Person] = field(default_factory=list)


@dataclass
class PageStructure:
    language: str
    publisher: str | None
    breadcrumb: list[str]
    title: str
    paragraphs: list[str]
    lists: list[list[str]]
    contact: Contact | None
    teasers: list[tuple[str, str]]


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def guess_language(text: str) -> str:
    english = sum(text.count(w) for w in (" the ", " and ", "Contact", "More on this topic"))
    german = sum(text.count(w) for w in (" der ", " und ", " die ", "Kontakt", "Mehr zum Thema"))
    return "en" if english > german else "de"


def read_text_capture(text: str, language: str | None = None) -> PageStructure:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = _blocks(lines)
    if not blocks:
        raise NotATemplatePage("the capture is empty")
    language = language or guess_language(text)
    # The publishing office (a line or a block of its own) comes first, then the breadcrumb as a numbered list.
    crumb_block = next((i for i, block in enumerate(blocks[:4]) if any(_ORDERED.match(line) for line in block)), None)
    if crumb_block is None:
        raise NotATemplatePage("no breadcrumb (numbered list of parent pages) at the top of the page")
    block = blocks[crumb_block]
    crumbs_at = next(i for i, line in enumerate(block) if _ORDERED.match(line))
    head = [line.strip() for b in blocks[:crumb_block] for line in b] + [line.strip() for line in block[:crumbs_at]]
    publisher = " ".join(head) or None
    breadcrumb = [_ORDERED.match(line).group(1).strip() for line in block[crumbs_at:] if _ORDERED.match(line)]
    index = crumb_block + 1
    if index >= len(blocks) or len(blocks[index]) != 1:
        raise NotATemplatePage("no page title after the breadcrumb")
    title = blocks[index][0].strip()
    index += 1
    paragraphs, lists = [], []
    while index < len(blocks) and blocks[index][0].strip() not in CONTACT | TEASERS:
        block = blocks[index]
        items = [(_BULLET.match(line) or _ORDERED.match(line)) for line in block]
        if all(items):
            lists.append([m.group(1).strip() for m in items])
        else:
            paragraphs.append(" ".join(line.strip() for line in block))
        index += 1
    contact = None
    if index < len(blocks) and blocks[index][0].strip() in CONTACT:
        contact, index = _read_contact(blocks, index + 1)
    teasers = []
    while index < len(blocks) and blocks[index][0].strip() not in TEASERS:
        index += 1
    index += 1
    while index + 1 < len(blocks) + 1 and index < len(blocks):
        heading = " ".join(line.strip() for line in blocks[index])
        description = " ".join(line.strip() for line in blocks[index + 1]) if index + 1 < len(blocks) else ""
        teasers.append((heading, description))
        index += 2
    return PageStructure(language, publisher, breadcrumb, title, paragraphs, lists, contact, teasers)


def _read_contact(blocks: list[list[str]], index: int) -> tuple[Contact | None, int]:
    """The contact block: office line, then address and persons, up to the next section heading."""
    if index >= len(blocks):
        return None, index
    contact = Contact(office=" ".join(line.strip() for line in blocks[index]))
    index += 1
    section = None
    while index < len(blocks):
        lines = [line.strip() for line in blocks[index]]
        if lines[0] in TEASERS or (lines[0] in CONTACT and len(lines) == 1):
            if lines[0] in CONTACT:
                index += 1
            break
        for line in lines:
            if line in ADDRESS:
                section = "address"
            elif line in PERSONS:
                section = "persons"
            elif section == "address" and _POSTCODE_TOWN.match(line):
                contact.postcode, contact.town = _POSTCODE_TOWN.match(line).groups()
            elif section == "address" and contact.street is None:
                contact.street = line
            elif section == "persons" and _PERSON.match(line):
                match = _PERSON.match(line)
                contact.persons.append(Person(match.group("name"), match.group("role")))
            elif contact.persons:
                contact.persons[-1].notes.append(line)
        index += 1
    return contact, index


class _TextRenderer(HTMLParser):
    """HTML → the template's text form. html.parser expands no external entities and fetches nothing."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "address",
              "nav", "main", "aside", "ul", "ol", "br", "tr", "figure", "figcaption", "dl", "dt", "dd", "li"}
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # per open list: [kind, counter]
        self.skipping = 0
        self.language: str | None = None

    def _newline(self, blank: bool = False):
        self.out.append("\n\n" if blank else "\n")

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.language = (dict(attrs).get("lang") or "")[:2] or None
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
            self._newline(blank=True)
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, count = self.lists[-1]
            self._newline()
            self.out.append(f"  {count}. " if kind == "ol" else "  • ")
        elif tag == "br":
            self._newline()
        elif tag in self.BLOCKS:
            self._newline(blank=tag not in ("li", "dd", "dt", "tr"))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._newline(blank=True)
        elif tag in self.BLOCKS and tag != "li":
            self._newline(blank=tag in ("p", "h1", "h2", "h3", "h4", "section", "address", "div", "nav", "header"))

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        lines = [line.strip(" ") if not _ORDERED.match(line) and not _BULLET.match(line) else line.rstrip()
                 for line in "".join(self.out).split("\n")]
        text = "\n".join(line if not (_ORDERED.match(line) or _BULLET.match(line)) else "  " + line.strip()
                         for line in lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read_html_capture(html: str) -> PageStructure:
    renderer = _TextRenderer()
    renderer.feed(html)
    renderer.close()
    return read_text_capture(renderer.text(), renderer.language)


def read_capture(content: str, media_type: str) -> PageStructure:
    if "html" in media_type:
        return read_html_capture(content)
    return read_text_capture(content)
