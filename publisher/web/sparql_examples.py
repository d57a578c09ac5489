"""Example queries for the query page: real questions, written against the lodpub model, not one city's data."""

EXAMPLES = [
    ("Seiten je SDG-Ziel", "Pages per SDG goal", """SELECT ?goal ?name (COUNT(?page) AS ?pages) WHERE {
  ?page schema:about ?goal .
  ?concept skos:exactMatch ?goal ; skos:prefLabel ?name .
  FILTER(LANG(?name) = "de")
}
GROUP BY ?goal ?name
ORDER BY DESC(?pages)"""),
    ("Seiten zu SDG 15", "Pages on SDG 15", """SELECT ?page ?title WHERE {
  ?page schema:about <http://metadata.un.org/sdg/15> ; schema:name ?title .
}
LIMIT 50"""),
    ("Partnerstädte und ihre Länder", "Partner cities and their countries", """SELECT ?partnership ?kind ?city ?country WHERE {
  ?partnership a lp:Partnership ; lp:partnershipKind/skos:prefLabel ?kind ; lp:partner ?place .
  ?place schema:name ?city ; schema:containedInPlace/schema:name ?country .
  FILTER(LANG(?kind) = "de" && LANG(?city) = "de" && LANG(?country) = "de")
}"""),
    ("Wer leitet welches Amt?", "Who heads which office?", """SELECT ?person ?name ?unit ?unitName ?post WHERE {
  ?person org:headOf ?unit ; foaf:name ?name .
  ?unit skos:prefLabel ?unitName .
  OPTIONAL { ?person org:holds/skos:prefLabel ?post FILTER(LANG(?post) = "de") }
  FILTER(LANG(?unitName) = "de")
}"""),
    ("Netzwerke", "Networks", """SELECT ?organisation ?network ?name WHERE {
  ?organisation lp:network ?network .
  ?network skos:prefLabel ?name .
  FILTER(LANG(?name) = "de")
}"""),
    ("Anzahl je Klasse", "Counts by class", """SELECT ?class (COUNT(DISTINCT ?thing) AS ?count) WHERE {
  ?thing a ?class .
}
GROUP BY ?class
ORDER BY DESC(?count)"""),
    ("Organisationshierarchie", "Organisation hierarchy", """SELECT ?unit ?unitName ?parent ?parentName WHERE {
  ?unit org:unitOf ?parent ; skos:prefLabel ?unitName .
  ?parent skos:prefLabel ?parentName .
  FILTER(LANG(?unitName) = "de" && LANG(?parentName) = "de")
}"""),
    ("Volltextsuche in Seitentiteln", "Text search in page titles", """SELECT ?page ?title WHERE {
  ?page a schema:WebPage ; schema:name ?title .
  FILTER(CONTAINS(LCASE(?title), "partner"))
}"""),
    ("Alles über den Datensatz", "Everything about the dataset", """DESCRIBE ?dataset WHERE {
  ?dataset a dcat:Dataset .
}"""),
]
