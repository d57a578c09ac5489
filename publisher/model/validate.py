"""The pyshacl gate: data plus ontology against the shapes, on plain rdflib graphs, with a readable report."""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
import rdflib
from rdflib.namespace import SH

from publisher.model.sources import Source


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    value: str | None
    severity: str
    messages: dict[str, str]  # language tag ("" when untagged) -> text

    def describe(self, languages: tuple[str, ...] = ("de", "en")) -> str:
        """Focus node, path, offending value and the message in each wanted language, on indented lines."""
        lines = [f"{self.severity}: {self.focus}"]
        if self.path:
            lines.append(f"  path:  {self.path}")
        if self.value:
            lines.append(f"  value: {self.value}")
        texts = [self.messages[lang] for lang in languages if lang in self.messages] or list(self.messages.values())
        lines.extend(f"  {text}" for text in texts)
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: list[Violation]

    def describe(self) -> str:
        if self.conforms:
            return "The data conforms to the shapes."
        return "\n".join(v.describe() for v in self.violations) + f"\n{len(self.violations)} violation(s)."


class ValidationFailed(Exception):
    """Raised by the publishing gate: invalid data is never published."""

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(report.describe())


def _term(node) -> str | None:
    if node is None:
        return None
    return node.n3() if not isinstance(node, rdflib.URIRef) else str(node)


def validate(sources: list[Source]) -> ValidationReport:
    """Validate the ontology and data graphs together (so rdfs:subClassOf reaches class targets) against the shapes."""
    data = rdflib.Graph()
    shapes = rdflib.Graph()
    for source in sources:
        target = shapes if source.kind == "shapes" else data
        target += source.graph
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        messages = {
            (m.language or ""): str(m) for m in results.objects(result, SH.resultMessage)
        }
        violations.append(Violation(
            focus=_term(results.value(result, SH.focusNode)),
            path=_term(results.value(result, SH.resultPath)),
            value=_term(results.value(result, SH.value)),
            severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            messages=messages,
        ))
    violations.sort(key=lambda v: (v.focus or "", v.path or ""))
    return ValidationReport(bool(conforms), violations)
