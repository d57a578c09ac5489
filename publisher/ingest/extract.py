"""Page structure → RDF in the lodpub model, linking names to the curated gazetteer, with PROV for every resource.

IRIs come from the gazetteer where a name is known there, else from the thing's name by one slug rule, so the same
page always yields the same IRIs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import FOAF, PROV, RDF, RDFS, SKOS, XSD, DCTERMS as DCT

from publisher import __version__
from publisher.ingest.capture import PageStructure

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
CV = rdflib.Namespace("http://data.europa.eu/m8g/")
LOCN = rdflib.Namespace("http://www.w3.org/ns/locn#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = rdflib.Namespace("http://schema.org/")
UN_SDG = "http://metadata.un.org/sdg/"
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")

HEAD_ROLES = {"leitung", "amtsleitung", "büroleitung", "bereichsleitung", "head", "head of office", "director"}
# Roles whose name in the other language is certain: (German, English).
ROLE_NAMES = {"leitung": ("Leitung", "Head"), "head": ("Leitung", "Head"),
              "stellvertretende leitung": ("Stellvertretende Leitung", "Deputy head"),
              "deputy head": ("Stellvertretende Leitung", "Deputy head")}
TASK_LEADS = re.compile(r"(Aufgaben|tasks|responsibilities)\s*:\s*$", re.IGNORECASE)
GOAL_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    r"\bZiel\s+(\d{1,2})\b", r"Nachhaltigkeitsziel(?:es)?\s+(?:Nummer\s+|Nr\.\s*)?(\d{1,2})\b", r"\bSDG\s*(\d{1,2})\b",
    r"\bGoal\s+(\d{1,2})\b")]
ALL_GOALS = re.compile(r"\b17\s+(?:UN-?\s*)?(?:Nachhaltigkeitsziel|Ziele für nachhaltige Entwicklung|"
                       r"(?:UN\s+)?Sustainable Development Goals|SDGs)", re.IGNORECASE)
PARTNERSHIP = re.compile(
    r"(?P<kind>Projekt|Klima|Städte|Project|Climate|Twin[- ]city)\s*partnerschaft\s+mit\s+(?:der\s+Stadt\s+)?"
    r"(?P<city>[A-ZÄÖÜ][\w\-]+(?:\s[A-ZÄÖÜ][\w\-]+)*)(?:,\s*|\s+in\s+)(?P<country>[A-ZÄÖÜ][\w\-]+(?:\s[A-ZÄÖÜ][\w\-]+)*)"
    r"|(?P<kind_en>Project|Climate|Twin[- ]city)\s+partnership\s+with\s+(?:the\s+city\s+of\s+)?"
    r"(?P<city_en>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*),\s*(?P<country_en>[A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)")
FOCUS = re.compile(r"(?:inhaltlichem\s+)?Fokus\s+auf\s+(?P<de>.+?)(?:\s+(?:angestoßen|zusammen|vereinbart|gestartet)|[.]|$)"
                   r"|focus(?:ing)?\s+on\s+(?P<en>[^.]+)",
                   re.IGNORECASE)
KINDS = {"projekt": "ProjectPartnership", "project": "ProjectPartnership", "klima": "ClimatePartnership",
         "climate": "ClimatePartnership", "städte": "TwinCityPartnership", "twin-city": "TwinCityPartnership",
         "twin city": "TwinCityPartnership"}


def slug(text: str) -> str:
    """Readable, stable path segment: German umlauts spelled out, everything else reduced to a-z0-9 and '-'."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Capture:
    """Where a capture came from: its IRI, the page address and when it was taken."""

    iri: URIRef
    url: str
    retrieved: str  # xsd:dateTime
    media_type: str
    described_in_data: bool  # a saved capture curated in data/captures.ttl, or a live fetch described here


class Gazetteer:
    """The curated names → IRIs: organisations, frameworks, places; and the publishing city."""

    def __init__(self, graph: rdflib.Graph, base_iri: str):
        self.graph, self.base = graph, base_iri
        self.by_label: dict[str, URIRef] = {}
        for prop in (SKOS.prefLabel, SKOS.altLabel, SCHEMA.name, FOAF.name):
            for subject, label in graph.subject_objects(prop):
                if isinstance(subject, URIRef):
                    self.by_label.setdefault(str(label).casefold(), subject)
        self.home = next((s for s in graph.subjects(DCT.type, LOCAL_AUTHORITY) if (s, RDF.type, ORG.Organization) in graph),
                         None)
        self.home_place = graph.value(self.home, DCT.spatial) if self.home else None

    def lookup(self, name: str, rdf_type: URIRef | None = None) -> URIRef | None:
        found = self.by_label.get(name.strip().casefold())
        if found is not None and (rdf_type is None or (found, RDF.type, rdf_type) in self.graph):
            return found
        return None

    def named_in(self, text: str, rdf_type: URIRef) -> list[URIRef]:
        """Every resource of the type whose name or abbreviation stands in the text as a whole word."""
        found = []
        for label, subject in self.by_label.items():
            if (subject, RDF.type, rdf_type) in self.graph and subject not in found and re.search(
                    rf"(?<![\w-]){re.escape(label)}(?![\w-])", text.casefold()):
                found.append(subject)
        return sorted(found)

    def capture_for(self, file_name: str) -> Capture | None:
        for capture in self.graph.subjects(DCT.identifier, Literal(file_name)):
            return Capture(capture, str(self.graph.value(capture, PROV.hadPrimarySource)),
                           str(self.graph.value(capture, PROV.generatedAtTime)),
                           str(self.graph.value(capture, DCT["format"]) or "text/plain"), True)
        return None


class PageExtractor:
    """Builds the graph for one page; every resource it describes says it was derived from the capture."""

    def __init__(self, gazetteer: Gazetteer, base_iri: str, country_code: str = "DE"):
        self.gz, self.base, self.country_code = gazetteer, base_iri, country_code

    def iri(self, kind: str, name: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{slug(name)}")

    def extract(self, page: PageStructure, capture: Capture) -> rdflib.Graph:
        g = rdflib.Graph()
        self.g, self.lang, self.capture = g, page.language, capture
        self.extraction = URIRef(f"{self.base}id/extraction/{capture.iri.rsplit('/', 1)[-1]}")
        self._provenance(page)
        page_iri = self.iri("page", page.title)
        self.derived(page_iri)
        g.add((page_iri, RDF.type, URIRef(f"{self.base}def/CapturedWebPage")))
        g.add((page_iri, RDF.type, SCHEMA.WebPage))
        g.add((page_iri, RDF.type, FOAF.Document))
        g.add((page_iri, SCHEMA.name, self.text(page.title)))
        g.add((page_iri, SCHEMA.url, URIRef(capture.url)))
        g.add((page_iri, SCHEMA.inLanguage, Literal(page.language)))
        g.add((page_iri, PROV.wasDerivedFrom, capture.iri))
        self._breadcrumb(page, page_iri)
        publisher = self._organisation_chain([page.publisher]) if page.publisher else None
        if publisher is not None:
            g.add((page_iri, SCHEMA.publisher, publisher))
        office = self._contact(page, page_iri) if page.contact else None
        main_entity = office or publisher
        task_lists, other_lists = self._split_lists(page)
        texts = [p for p in page.paragraphs if not TASK_LEADS.search(p)] + [" ".join(items) for items in other_lists]
        if texts:
            g.add((page_iri, SCHEMA.abstract, self.text("\n\n".join(texts))))
        tasks = [item for items in task_lists for item in items]
        if main_entity is not None:
            for task in tasks:
                g.add((main_entity, ORG.purpose, self.text(task)))
        whole_text = " ".join([page.title, *page.paragraphs, *[i for items in page.lists for i in items]])
        self._links(page_iri, main_entity, whole_text, " ".join(tasks))
        for title, description in page.teasers:
            teaser = self.iri("page", title)
            g.add((page_iri, SCHEMA.relatedLink, teaser))
            self._teaser(teaser, title, description)
        self._about_goals_and_partnerships(page_iri, page.title, " ".join(page.paragraphs))
        return g

    # --- pieces -----------------------------------------------------------------------------------------------

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def derived(self, subject: URIRef) -> URIRef:
        self.g.add((subject, PROV.wasDerivedFrom, self.capture.iri))
        self.g.add((subject, PROV.wasGeneratedBy, self.extraction))
        return subject

    def _provenance(self, page: PageStructure) -> None:
        g, capture = self.g, self.capture
        software = URIRef(f"{self.base}id/software/lodpub-extractor")
        g.add((software, RDF.type, PROV.SoftwareAgent))
        g.add((software, RDFS.label, Literal("lodpub extractor")))
        g.add((software, SCHEMA.softwareVersion, Literal(__version__)))
        g.add((self.extraction, RDF.type, PROV.Activity))
        g.add((self.extraction, RDFS.label, Literal(f"Extraktion der Seite „{page.title}“", lang="de")))
        g.add((self.extraction, PROV.used, capture.iri))
        g.add((self.extraction, PROV.wasAssociatedWith, software))
        if not capture.described_in_data:
            g.add((capture.iri, RDF.type, URIRef(f"{self.base}def/PageCapture")))
            g.add((capture.iri, RDFS.label, Literal(f"Erfassung der Seite „{page.title}“", lang="de")))
            g.add((capture.iri, PROV.hadPrimarySource, URIRef(capture.url)))
            g.add((capture.iri, DCT["format"], Literal(capture.media_type)))
            g.add((capture.iri, PROV.generatedAtTime, Literal(capture.retrieved, datatype=XSD.dateTime)))

    def _breadcrumb(self, page: PageStructure, page_iri: URIRef) -> None:
        crumbs = page.breadcrumb[:-1] if page.breadcrumb and page.breadcrumb[-1] == page.title else page.breadcrumb
        child = page_iri
        for name in reversed(crumbs):
            parent = self.derived(self.iri("page", name))
            self.g.add((parent, RDF.type, SCHEMA.WebPage))
            self.g.add((parent, SCHEMA.name, self.text(name)))
            self.g.add((child, SCHEMA.isPartOf, parent))
            child = parent

    def _organisation_chain(self, names: list[str]) -> URIRef:
        """'Amt X - Büro Y' → Y unit of X unit of the city; known names keep their curated IRIs."""
        parent = self.gz.home
        for name in names:
            known = self.gz.lookup(name, ORG.Organization) or self.gz.lookup(name, ORG.OrganizationalUnit)
            unit = known or self.iri("organization", name)
            if known is None:
                self.g.add((unit, RDF.type, ORG.OrganizationalUnit))
                self.g.add((unit, RDF.type, CV.PublicOrganisation))
                self.g.add((unit, SKOS.prefLabel, Literal(name, lang=self.lang)))
            if parent is not None and unit != parent:
                self.g.add((unit, ORG.unitOf, parent))
            self.derived(unit)
            parent = unit
        return parent

    def _contact(self, page: PageStructure, page_iri: URIRef) -> URIRef:
        contact, g = page.contact, self.g
        office = self._organisation_chain([part.strip() for part in contact.office.split(" - ") if part.strip()])
        g.add((page_iri, SCHEMA.mainEntity, office))
        # Parts of a resource get IRIs under its own path (not blank nodes), so two pages naming the same contact
        # or address describe one node; the resource's description includes them.
        point = URIRef(f"{office}/contact")
        g.add((office, SCHEMA.contactPoint, point))
        g.add((point, RDF.type, VCARD.Organization))
        g.add((point, VCARD.fn, self.text(contact.office)))
        if contact.street and contact.postcode:
            self._site(office, contact, point)
        for person in contact.persons:
            self._person(office, person)
        return office

    def _site(self, office: URIRef, contact, point: URIRef) -> None:
        g = self.g
        full = f"{contact.street}, {contact.postcode} {contact.town}"
        site = self.derived(self.iri("site", contact.street))
        g.add((site, RDF.type, ORG.Site))
        g.add((site, RDFS.label, self.text(full)))
        g.add((site, ORG.siteOf, office))
        g.add((office, ORG.hasSite, site))
        g.add((office, ORG.hasPrimarySite, site))
        address = URIRef(f"{site}/address")
        g.add((site, ORG.siteAddress, address))
        g.add((address, RDF.type, LOCN.Address))
        street = re.match(r"^(.*?)\s+(\d+\s*[a-zA-Z]?(?:\s*[-–]\s*\d+\s*[a-zA-Z]?)?)$", contact.street)
        g.add((address, LOCN.thoroughfare, Literal(street.group(1) if street else contact.street)))
        if street:
            g.add((address, LOCN.locatorDesignator, Literal(street.group(2))))
        g.add((address, LOCN.postCode, Literal(contact.postcode)))
        g.add((address, LOCN.postName, Literal(contact.town)))
        g.add((address, LOCN.adminUnitL1, Literal(self.country_code)))
        g.add((address, LOCN.fullAddress, Literal(full)))
        vcard_address = URIRef(f"{point}/address")
        g.add((point, VCARD.hasAddress, vcard_address))
        g.add((vcard_address, RDF.type, VCARD.Address))
        g.add((vcard_address, VCARD["street-address"], Literal(contact.street)))
        g.add((vcard_address, VCARD["postal-code"], Literal(contact.postcode)))
        g.add((vcard_address, VCARD.locality, Literal(contact.town)))

    def _person(self, office: URIRef, person) -> None:
        g = self.g
        german_role, english_role = ROLE_NAMES.get(person.role.casefold(), (None, None))
        who = self.derived(self.iri("person", person.name))
        post = self.derived(URIRef(f"{self.base}id/post/{office.rsplit('/', 1)[-1]}-{slug(german_role or person.role)}"))
        g.add((who, RDF.type, FOAF.Person))
        g.add((who, FOAF.name, Literal(person.name)))
        g.add((who, RDFS.label, Literal(person.name)))
        g.add((who, ORG.holds, post))
        g.add((post, RDF.type, ORG.Post))
        g.add((post, SKOS.prefLabel, self.text(person.role)))
        if german_role:
            g.add((post, SKOS.prefLabel, Literal(german_role, lang="de")))
            g.add((post, SKOS.prefLabel, Literal(english_role, lang="en")))
        g.add((post, ORG.postIn, office))
        g.add((post, ORG.heldBy, who))
        g.add((office, ORG.hasPost, post))
        for note in person.notes:
            g.add((post, SKOS.note, self.text(note)))
        if person.role.casefold() in HEAD_ROLES:
            g.add((who, ORG.headOf, office))

    @staticmethod
    def _split_lists(page: PageStructure) -> tuple[list, list]:
        """Lists that a paragraph announces as tasks are the unit's purposes; other lists are page text."""
        leads_tasks = any(TASK_LEADS.search(p) for p in page.paragraphs)
        if not leads_tasks:
            return [], page.lists
        return page.lists[:1], page.lists[1:]

    def _links(self, page_iri: URIRef, unit: URIRef | None, page_text: str, task_text: str) -> None:
        g = self.g
        framework = URIRef(f"{self.base}def/Framework")
        scheme = URIRef(f"{self.base}id/sdg")
        for network in self.gz.named_in(page_text, ORG.Organization):
            if network not in (unit, self.gz.home) and (network, ORG.unitOf, None) not in self.gz.graph:
                g.add((page_iri, SCHEMA.mentions, network))
                if unit is not None and network in self.gz.named_in(task_text, ORG.Organization):
                    g.add((unit, URIRef(f"{self.base}def/network"), network))
        frameworks = self.gz.named_in(page_text, framework)
        if ALL_GOALS.search(page_text):
            frameworks.append(scheme)
        for item in frameworks:
            g.add((page_iri, SCHEMA.about, item))
            in_tasks = item in self.gz.named_in(task_text, framework) or (item == scheme and ALL_GOALS.search(task_text))
            if unit is not None and in_tasks:
                g.add((unit, URIRef(f"{self.base}def/followsFramework"), item))

    def _teaser(self, teaser: URIRef, title: str, description: str) -> None:
        g = self.g
        self.derived(teaser)
        g.add((teaser, RDF.type, SCHEMA.WebPage))
        g.add((teaser, SCHEMA.name, self.text(title)))
        if description:
            g.add((teaser, SCHEMA.description, self.text(description)))
        self._about_goals_and_partnerships(teaser, title, description)

    def _about_goals_and_partnerships(self, page: URIRef, title: str, description: str = "") -> None:
        for number in sorted({int(m.group(1)) for p in GOAL_PATTERNS for m in p.finditer(title)}):
            if 1 <= number <= 17:
                self.g.add((page, SCHEMA.about, URIRef(f"{UN_SDG}{number}")))
        match = PARTNERSHIP.search(title)
        if match:
            self.g.add((page, SCHEMA.about, self._partnership(match, f"{title} {description}")))

    def _place(self, name: str, rdf_type: URIRef, country: URIRef | None = None) -> URIRef:
        known = self.gz.lookup(name, rdf_type)
        if known is not None:
            return known
        place = self.derived(self.iri("place", name))
        self.g.add((place, RDF.type, rdf_type))
        self.g.add((place, SCHEMA.name, Literal(name, lang=self.lang)))
        if country is not None:
            self.g.add((place, SCHEMA.containedInPlace, country))
        return place

    def _partnership(self, match: re.Match, text: str) -> URIRef:
        g = self.g
        kind_word = (match.group("kind") or match.group("kind_en")).lower()
        city_name = match.group("city") or match.group("city_en")
        country = self._place(match.group("country") or match.group("country_en"), SCHEMA.Country)
        city = self._place(city_name, SCHEMA.City, country)
        home = self.gz.home_place
        home_name = str(self.gz.graph.value(home, SCHEMA.name)) if home is not None else "home"
        partnership = self.derived(URIRef(f"{self.base}id/partnership/{slug(home_name)}-{slug(city_name)}"))
        kind = URIRef(f"{self.base}def/{KINDS[kind_word]}")
        g.add((partnership, RDF.type, URIRef(f"{self.base}def/Partnership")))
        g.add((partnership, URIRef(f"{self.base}def/partnershipKind"), kind))
        for label in self.gz.graph.objects(kind, SKOS.prefLabel):
            g.add((partnership, SCHEMA.name, Literal(f"{label} {home_name} – {city_name}", lang=label.language)))
        if home is not None:
            g.add((partnership, URIRef(f"{self.base}def/partner"), home))
        g.add((partnership, URIRef(f"{self.base}def/partner"), city))
        if self.gz.home is not None:
            g.add((partnership, PROV.wasAssociatedWith, self.gz.home))
        focus = FOCUS.search(text)
        if focus:
            g.add((partnership, URIRef(f"{self.base}def/thematicFocus"),
                   Literal((focus.group("de") or focus.group("en")).strip(), lang="de" if focus.group("de") else "en")))
        return partnership
