"""`lodpub validate`: 0 on the project's data; broken copies are caught with a message naming the problem."""

from __future__ import annotations

import os
import re
import subprocess

from publisher.cli import main

from .conftest import lodpub_command

DATA_FILE = "dortmund-international.ttl"


def validate_copy(source_copy) -> tuple[int, str]:
    """Run the real command line on a copy of the sources."""
    result = subprocess.run(
        [*lodpub_command(), "validate", "--data", str(source_copy.data_dir)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "LODPUB_ONTOLOGY_DIR": str(source_copy.ontology_dir),
             "LODPUB_SHAPES_DIR": str(source_copy.shapes_dir)},
    )
    return result.returncode, result.stdout + result.stderr


def edit(settings, old: str, new: str, filename: str = DATA_FILE) -> None:
    path = settings.data_dir / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_project_data_conforms():
    assert main(["validate"]) == 0


def test_unchanged_copy_conforms(source_copy):
    code, output = validate_copy(source_copy)
    assert code == 0, output
    assert "conforms" in output


def test_missing_postcode_is_caught(source_copy):
    edit(source_copy, 'locn:postCode "44135" ;', "")
    code, output = validate_copy(source_copy)
    assert code == 1
    assert "postCode" in output and "five-digit postcode" in output


def test_four_digit_postcode_is_caught(source_copy):
    edit(source_copy, 'locn:postCode "44135" ;', 'locn:postCode "4413" ;')
    code, output = validate_copy(source_copy)
    assert code == 1
    assert '"4413"' in output


def test_wrong_sdg_iri_is_caught(source_copy):
    edit(source_copy, "schema:about un:15 ;", "schema:about <http://metadata.un.org/sdg/18> ;")
    code, output = validate_copy(source_copy)
    assert code == 1
    assert "https://lod.dortmund.de/id/page/ziel-15-leben-an-land" in output
    assert "http://metadata.un.org/sdg/18" in output


def test_head_who_is_not_a_person_is_caught(source_copy):
    edit(source_copy, "<id/person/martin-van-der-puetten> a foaf:Person ;", "<id/person/martin-van-der-puetten> a schema:Thing ;")
    code, output = validate_copy(source_copy)
    assert code == 1
    assert "https://lod.dortmund.de/id/person/martin-van-der-puetten" in output
    assert "is a person" in output


def test_turtle_syntax_error_names_file_and_line(source_copy):
    path = source_copy.data_dir / DATA_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    broken_line = next(i for i, line in enumerate(lines) if "locn:thoroughfare" in line)
    lines[broken_line] = lines[broken_line].replace('"Betenstraße"', "@@@")
    path.write_text("\n".join(lines), encoding="utf-8")
    code, output = validate_copy(source_copy)
    assert code == 2
    assert DATA_FILE in output
    match = re.search(rf"{re.escape(DATA_FILE)}:(\d+)", output)
    assert match, output
    assert abs(int(match.group(1)) - (broken_line + 1)) <= 1


def test_missing_data_directory_exits_2(tmp_path):
    result = subprocess.run([*lodpub_command(), "validate", "--data", str(tmp_path / "nope")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "nope" in result.stderr


def test_head_without_a_post_in_the_unit_is_caught(source_copy):
    edit(source_copy, "org:headOf <id/organization/buero-internationale-beziehungen>",
         "org:headOf <id/organization/amt-oberbuergermeister-rat>")
    code, output = validate_copy(source_copy)
    assert code == 1
    assert "https://lod.dortmund.de/id/person/martin-van-der-puetten" in output
    assert "hold a post in the unit they head" in output
