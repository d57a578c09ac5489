"""A synthetic municipal dataset shaped like the real data, deterministic by seed, sized in triples.

Organisations in a hierarchy with units, sites and addresses, posts and their holders; pages with titles and text
linked to SDG goals and to each other; partnerships between cities in countries. It is valid against the project's
shapes except for `violations` addresses with a four-digit postcode, planted on purpose."""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from publisher.config import PROJECT_ROOT

WORDS = ("Umwelt Bildung Verkehr Kultur Sport Wirtschaft Gesundheit Jugend Wohnen Klima Energie Digitales Integration "
         "Stadtplanung Tiefbau Grünflächen Soziales Ordnung Finanzen Personal Europa Wissenschaft Tourismus").split()
STREETS = ("Markt Hauptstraße Kirchweg Bahnhofstraße Ringstraße Lindenallee Schulstraße Gartenweg Wall "
           "Hafenstraße").split()
S, ORG, LOCN, FOAF, SKOS, RDF, PROV, CV = (
    "http://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/ns/locn#", "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/ns/prov#", "http://data.europa.eu/m8g/")
# Triples written per entity kind, to size the dataset (roughly).
PER_UNIT, PER_PAGE, PER_PARTNERSHIP = 32, 8, 9
SIZE_CORRECTION = 1.45  # measured: the entity counts above write 0.69 triples per requested triple


def _literal(text: str, lang: str | None = "de") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def generate(target: Path, triples: int, seed: int = 1, violations: int = 0, base: str = "https://lod.example.org/") -> Path:
    """Write target/data.nt plus the curated files the shapes need (ontology terms, SDG scheme); returns target."""
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sdg-goals.ttl",):
        shutil.copy(PROJECT_ROOT / "data" / name, target / name)
    triples = int(triples * SIZE_CORRECTION)
    units = max(3, triples // (4 * PER_UNIT))
    pages = max(10, triples // (2 * PER_PAGE))
    partnerships = max(2, triples // (40 * PER_PARTNERSHIP))
    lines: list[str] = []
    add = lambda s, p, o: lines.append(f"<{s}> <{p}> {o} .")  # noqa: E731
    iri = lambda kind, n: f"{base}id/{kind}/{n}"  # noqa: E731
    lp = f"{base}def/"
    city = iri("organization", "stadt")
    add(city, RDF + "type", f"<{ORG}Organization>")
    add(city, RDF + "type", f"<{CV}PublicOrganisation>")
    add(city, SKOS + "prefLabel", _literal("Stadt Beispielhausen"))
    planted = set(rng.sample(range(units), min(violations, units)))
    for u in range(units):
        unit = iri("organization", f"amt-{u}")
        parent = city if u < 5 else iri("organization", f"amt-{rng.randrange(0, u)}")
        name = f"Amt für {rng.choice(WORDS)} und {rng.choice(WORDS)} {u}"
        add(unit, RDF + "type", f"<{ORG}OrganizationalUnit>")
        add(unit, RDF + "type", f"<{CV}PublicOrganisation>")
        add(unit, SKOS + "prefLabel", _literal(name))
        add(unit, ORG + "unitOf", f"<{parent}>")
        add(unit, ORG + "purpose", _literal(f"Aufgaben rund um {rng.choice(WORDS)} und {rng.choice(WORDS)}."))
        site, address = iri("site", f"site-{u}"), iri("site", f"site-{u}") + "/address"
        street, number = rng.choice(STREETS), rng.randrange(1, 200)
        postcode = f"{rng.randrange(1000, 9999)}" if u in planted else f"{rng.randrange(10000, 99999)}"
        add(unit, ORG + "hasSite", f"<{site}>")
        add(site, RDF + "type", f"<{ORG}Site>")
        add(site, ORG + "siteAddress", f"<{address}>")
        add(address, RDF + "type", f"<{LOCN}Address>")
        add(address, LOCN + "thoroughfare", _literal(street, None))
        add(address, LOCN + "locatorDesignator", _literal(str(number), None))
        add(address, LOCN + "postCode", _literal(postcode, None))
        add(address, LOCN + "postName", _literal("Beispielhausen", None))
        add(address, LOCN + "adminUnitL1", _literal("DE", None))
        for role in ("leitung", "sachbearbeitung"):
            post, person = iri("post", f"amt-{u}-{role}"), iri("person", f"person-{u}-{role}")
            add(post, RDF + "type", f"<{ORG}Post>")
            add(post, SKOS + "prefLabel", _literal(role.capitalize()))
            add(post, ORG + "postIn", f"<{unit}>")
            add(post, ORG + "heldBy", f"<{person}>")
            add(person, RDF + "type", f"<{FOAF}Person>")
            add(person, FOAF + "name", _literal(f"Person {u} {role}", None))
            add(person, ORG + "holds", f"<{post}>")
            if role == "leitung":
                add(person, ORG + "headOf", f"<{unit}>")
    for p in range(pages):
        page = iri("page", f"seite-{p}")
        add(page, RDF + "type", f"<{S}WebPage>")
        add(page, S + "name", _literal(f"Seite {p}: {rng.choice(WORDS)} in Beispielhausen"))
        add(page, S + "description", _literal(f"Informationen zu {rng.choice(WORDS)} und {rng.choice(WORDS)}."))
        add(page, S + "about", f"<http://metadata.un.org/sdg/{rng.randrange(1, 18)}>")
        add(page, S + "publisher", f"<{iri('organization', f'amt-{rng.randrange(units)}')}>")
        if p:
            add(page, S + "isPartOf", f"<{iri('page', f'seite-{rng.randrange(0, p)}')}>")
        add(page, S + "relatedLink", f"<{iri('page', f'seite-{rng.randrange(pages)}')}>")
    countries = max(2, partnerships // 5)
    for c in range(countries):
        country = iri("place", f"land-{c}")
        add(country, RDF + "type", f"<{S}Country>")
        add(country, S + "name", _literal(f"Land {c}"))
    home = iri("place", "beispielhausen")
    add(home, RDF + "type", f"<{S}City>")
    add(home, S + "name", _literal("Beispielhausen"))
    for k in range(partnerships):
        partner, partnership = iri("place", f"stadt-{k}"), iri("partnership", f"partnerschaft-{k}")
        add(partner, RDF + "type", f"<{S}City>")
        add(partner, S + "name", _literal(f"Partnerstadt {k}"))
        add(partner, S + "containedInPlace", f"<{iri('place', f'land-{rng.randrange(countries)}')}>")
        add(partnership, RDF + "type", f"<{lp}Partnership>")
        add(partnership, S + "name", _literal(f"Partnerschaft Beispielhausen – Partnerstadt {k}"))
        add(partnership, lp + "partnershipKind", f"<{lp}{rng.choice(['ProjectPartnership', 'ClimatePartnership', 'TwinCityPartnership'])}>")
        add(partnership, lp + "partner", f"<{home}>")
        add(partnership, lp + "partner", f"<{partner}>")
        add(partnership, PROV + "wasAssociatedWith", f"<{city}>")
    (target / "data.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=int, default=0)
    args = parser.parse_args()
    generate(args.target, args.triples, args.seed, args.violations)


if __name__ == "__main__":
    main()
