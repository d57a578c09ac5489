"""The page's facts, held as a list, each checked by a SPARQL ASK on the loaded store."""

from __future__ import annotations

import pytest

PREFIXES = """
PREFIX id: <https://lod.dortmund.de/id/> PREFIX lp: <https://lod.dortmund.de/def/>
PREFIX org: <http://www.w3.org/ns/org#> PREFIX cv: <http://data.europa.eu/m8g/> PREFIX locn: <http://www.w3.org/ns/locn#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX schema: <http://schema.org/> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dct: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX un: <http://metadata.un.org/sdg/> PREFIX wd: <http://www.wikidata.org/entity/> PREFIX gn: <http://sws.geonames.org/>
"""
PAGE = "<https://lod.dortmund.de/id/page/dortmund-international>"
SOURCE_URL = ("https://www.dortmund.de/de/leben_in_dortmund/internationales/buero_fuer_internationale_beziehungen/"
              "dortmund_und_nachhaltige_entwicklung/sdg15.html")
OFFICE = "<https://lod.dortmund.de/id/organization/buero-internationale-beziehungen>"
AMT = "<https://lod.dortmund.de/id/organization/amt-oberbuergermeister-rat>"
CITY = "<https://lod.dortmund.de/id/organization/stadt-dortmund>"

TEASERS = [
    ('Wettbewerb "Hauptstadt des Fairen Handels"', "Das Dortmunder Aktionsbündnis setzt sich ein für Fair Trade"),
    ("Europäische Netzwerke", "Fach- und Erfahrungsaustausch stärken"),
    ("Ziel 15: Leben an Land", "UN Nachhaltigkeitsziel Nummer 15"),
    ("Bundestagswahl", "Informationen zum Ablauf der Bundestagswahl"),
    ("Leitbild Integration", "Informationen zum städtischen Leitbild Integration"),
    ("Projektpartnerschaft mit der Stadt Kumasi, Ghana", "Projektpartnerschaft mit der Stadt Kumasi, Ghana"),
    ("Auswirkungen von Umzügen vor der Europawahl 2024", "Wahlberechtigte, die vor einer Wahl umziehen"),
    ("Integrationsratswahl", "Mitglieder des Integrationsrates"),
    ("Ziel 2: Kein Hunger", "UN Nachhaltigkeitsziel 2: Kein Hunger"),
    ("Projektpartnerschaft mit der Stadt Dabola, Guinea", "Abfallentsorgung und -vermeidung angestoßen"),
    ("Freizügigkeit (EU)", "Recht auf Einreise und Aufenthalt"),
    ("Ziel 12: Nachhaltige/r Konsum und Produktion", "UN Nachhaltigkeitsziel Nummer 12"),
    ("Ziel 10: Weniger Ungleichheiten", "UN Nachhaltigkeitsziel Nummer 10"),
    ("Konzept der IGA Metropole Ruhr 2027", "regionales Dekadenprojekt"),
    ("Beibehalt der deutschen Staatsangehörigkeit", "Seit 01.01.2000 verliert"),
]
GOAL_TEASERS = {"Ziel 15: Leben an Land": 15, "Ziel 2: Kein Hunger": 2,
                "Ziel 12: Nachhaltige/r Konsum und Produktion": 12, "Ziel 10: Weniger Ungleichheiten": 10}
TASKS = ["Förderung der internationalen Zusammenarbeit und Sichtbarkeit", "Darstellung der Stadt Dortmund und ihrer",
         "Stärkung der Stadt Dortmund in ihrer Rolle", "Impulsgebung und Beratung für die Internationalisierung"]

FACTS = [
    ("the page is a captured schema:WebPage with its title",
     f'ASK {{ {PAGE} a lp:CapturedWebPage, schema:WebPage ; schema:name "Dortmund International"@de }}'),
    ("breadcrumb: Dortmund International › Internationales › Themen",
     f'ASK {{ {PAGE} schema:isPartOf ?i . ?i schema:name "Internationales"@de ; schema:isPartOf ?t . ?t schema:name "Themen"@de }}'),
    ("the page is published by the Amt", f"ASK {{ {PAGE} schema:publisher {AMT} }}"),
    ("the introduction", f'ASK {{ {PAGE} schema:abstract ?a FILTER(CONTAINS(?a, "international orientierte Stadt") && CONTAINS(?a, "zukunftsfähigen Kommunalpolitik")) }}'),
    ("source address", f"ASK {{ {PAGE} schema:url <{SOURCE_URL}> }}"),
    ("retrieval time and source via PROV",
     f"ASK {{ {PAGE} prov:wasDerivedFrom ?c . ?c a lp:PageCapture ; prov:hadPrimarySource <{SOURCE_URL}> ; prov:generatedAtTime ?t FILTER(DATATYPE(?t) = xsd:dateTime) }}"),
    *[(f"task: {task}", f'ASK {{ {PAGE} schema:mainEntity ?o . ?o org:purpose ?p FILTER(STRSTARTS(?p, "{task}")) }}') for task in TASKS],
    ("exactly four tasks", f"ASK {{ {{ SELECT (COUNT(?p) AS ?n) WHERE {{ {OFFICE} org:purpose ?p }} }} FILTER(?n = 4) }}"),
    ("City of Dortmund is an org:Organization and cv:PublicOrganisation with de and en names",
     f'ASK {{ {CITY} a org:Organization, cv:PublicOrganisation ; skos:prefLabel "Stadt Dortmund"@de, "City of Dortmund"@en }}'),
    ("the Amt is a unit of the city",
     f'ASK {{ {AMT} a org:OrganizationalUnit, cv:PublicOrganisation ; org:unitOf {CITY} ; skos:prefLabel "Amt für Angelegenheiten des Oberbürgermeisters und des Rates"@de }}'),
    ("the office is a unit of the Amt",
     f'ASK {{ {OFFICE} a org:OrganizationalUnit ; org:unitOf {AMT} ; skos:prefLabel "Büro für Internationale Beziehungen"@de }}'),
    ("site with LOCN address Betenstraße 19, 44135 Dortmund",
     f'ASK {{ {OFFICE} org:hasSite ?s . ?s a org:Site ; org:siteAddress ?a . ?a a locn:Address ; locn:thoroughfare "Betenstraße" ; locn:locatorDesignator "19" ; locn:postCode "44135" ; locn:postName "Dortmund" ; locn:adminUnitL1 "DE" }}'),
    ("vCard contact point with the address",
     f'ASK {{ {OFFICE} schema:contactPoint ?c . ?c vcard:fn ?fn ; vcard:hasAddress ?a . ?a vcard:street-address "Betenstraße 19" ; vcard:postal-code "44135" ; vcard:locality "Dortmund" }}'),
    ("Martin van der Pütten holds the post Leitung and heads the office",
     f'ASK {{ ?p a foaf:Person ; foaf:name "Martin van der Pütten" ; org:headOf {OFFICE} ; org:holds ?post . ?post a org:Post ; skos:prefLabel "Leitung"@de ; org:postIn {OFFICE} ; org:heldBy ?p }}'),
    ("only the name of the person is published",
     'ASK { ?p a foaf:Person . FILTER NOT EXISTS { ?p foaf:mbox|foaf:phone|vcard:hasEmail|vcard:hasTelephone|foaf:img ?x } }'),
    *[(f"network: {name}", f'ASK {{ {OFFICE} lp:network ?n . ?n a org:Organization ; skos:prefLabel "{name}"@de }}')
      for name in ("Netzwerke der Vereinten Nationen", "Connective Cities", "Rat der Gemeinden und Regionen Europas")],
    ("CEMR has its abbreviations", 'ASK { ?n skos:prefLabel "Council of European Municipalities and Regions"@en ; skos:altLabel "CEMR"@en, "RGRE"@de }'),
    ("the office follows the New Urban Agenda",
     f'ASK {{ {OFFICE} lp:followsFramework ?f . ?f a lp:Framework ; skos:prefLabel "New Urban Agenda"@de }}'),
    ("the office follows the 17 SDGs", f"ASK {{ {OFFICE} lp:followsFramework ?s . ?s a skos:ConceptScheme ; skos:exactMatch <http://metadata.un.org/sdg> }}"),
    *[(f"teaser: {title}",
       f'ASK {{ {PAGE} schema:relatedLink ?t . ?t a schema:WebPage ; schema:name "{title.replace(chr(34), chr(92) + chr(34))}"@de ; schema:description ?d FILTER(CONTAINS(?d, "{text}")) FILTER NOT EXISTS {{ ?t schema:url ?u }} }}')
      for title, text in TEASERS],
    ("every teaser is linked", f"ASK {{ {{ SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ {PAGE} schema:relatedLink ?t }} }} FILTER(?n = {len(TEASERS)}) }}"),
    *[(f"teaser {title} is about goal {n}", f'ASK {{ ?t schema:name "{title}"@de ; schema:about un:{n} }}')
      for title, n in GOAL_TEASERS.items()],
    ("Kumasi partnership", 'ASK { ?p a lp:Partnership ; lp:partnershipKind lp:ProjectPartnership ; lp:partner id:place\\/dortmund, ?k . ?k schema:name "Kumasi"@de ; schema:containedInPlace ?g ; owl:sameAs gn:2298890 . ?g schema:name "Ghana"@de ; owl:sameAs wd:Q117, gn:2300660 }'),
    ("Dabola partnership with its focus", 'ASK { ?p a lp:Partnership ; lp:partnershipKind lp:ProjectPartnership ; lp:thematicFocus "Abfallentsorgung und -vermeidung"@de ; lp:partner ?d . ?d schema:name "Dabola"@de ; owl:sameAs gn:2422442 ; schema:containedInPlace ?g . ?g owl:sameAs wd:Q1006, gn:2420477 }'),
    ("partnership teasers link to the partnerships", 'ASK { ?t schema:name "Projektpartnerschaft mit der Stadt Dabola, Guinea"@de ; schema:about ?p . ?p a lp:Partnership }'),
    ("Dortmund the place is Wikidata Q1295 and GeoNames 2935517", f"ASK {{ {CITY} dct:spatial ?d . ?d owl:sameAs wd:Q1295, gn:2935517 }}"),
    ("17 goals with German and English names, each exactMatch its UN IRI",
     'ASK { { SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?g skos:inScheme id:sdg ; skos:prefLabel ?de, ?en ; skos:exactMatch ?un FILTER(LANG(?de) = "de" && LANG(?en) = "en" && STRSTARTS(STR(?un), "http://metadata.un.org/sdg/")) } } FILTER(?n = 17) }'),
    ("goal 15 is Leben an Land / Life on land",
     'ASK { ?g skos:exactMatch un:15, wd:Q53581245 ; skos:prefLabel "Leben an Land"@de, "Life on land"@en }'),
    *[(f"goal {n} matches Wikidata {q}", f"ASK {{ ?g skos:exactMatch un:{n}, wd:{q} }}")
      for n, q in ((2, "Q50215926"), (10, "Q53581222"), (12, "Q53581232"))],
    ("dataset with licence and publisher",
     f"ASK {{ ?d a dcat:Dataset ; dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ; dct:publisher {CITY} ; prov:wasDerivedFrom ?c }}"),
    ("publisher is a local authority", f"ASK {{ {CITY} dct:type <http://purl.org/adms/publishertype/LocalAuthority> }}"),
]


@pytest.mark.parametrize("query", [q for _, q in FACTS], ids=[name for name, _ in FACTS])
def test_fact(store, query):
    assert bool(store.query(PREFIXES + query))


def test_no_identifier_is_invented(store):
    """Every Wikidata and GeoNames link is one of those verified from a source (issue list + UN SDG KOS)."""
    verified = {"Q1295", "Q117", "Q1006", "Q50215926", "Q53581222", "Q53581232", "Q53581245",
                "2935517", "2300660", "2420477", "2298890", "2422442"}
    un_kos_goal_items = {"Q50214636", "Q50216838", "Q53581209", "Q53581210", "Q48741129", "Q53581213", "Q53581217",
                         "Q53581219", "Q53581228", "Q53581236", "Q53581239", "Q53581248", "Q53581254"}
    rows = store.query(PREFIXES + """SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isIRI(?o) &&
        (STRSTARTS(STR(?o), STR(wd:)) || STRSTARTS(STR(?o), STR(gn:)))) }""")
    found = {row["o"].value.rstrip("/").rsplit("/", 1)[-1] for row in rows}
    assert found <= verified | un_kos_goal_items
    assert verified <= found
