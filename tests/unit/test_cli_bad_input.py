"""Malformed files and arguments: the CLI answers with one German line and exit 1, never a traceback,
and a small hostile file cannot make it eat the machine (run under a memory limit and a timeout)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digicheck.cli import main
from scoring.safe_yaml import MAX_FILE_BYTES

MEMORY_LIMIT = 1024**3  # far above a normal run, far below a blow-up


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_line_error(output: str) -> str:
    """The single `Fehler: …` line; fails on anything else (a traceback, several lines)."""
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: "), output[:2000]
    return lines[0]


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in its own process, with at most 1 GB of memory and 60 s."""
    entry_point = "from digicheck.cli import run; run()"  # what the `digicheck` console script calls
    return subprocess.run(
        [sys.executable, "-c", entry_point, *args], capture_output=True, text=True, timeout=60, preexec_fn=_limited, env=os.environ.copy()
    )


BILLION_LAUGHS = (
    "\n".join(
        ['questionnaire: "2026.1"', "answers:", '  strategie.leitlinien: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [f"  x{n}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)]
    )
    + "\n"
)


# --- YAML files: score and catalogue import share one loader ------------------------------------


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"schema: digicheck/modules-1\nmodules: [a, b\n", ["YAML-Syntaxfehler", "Zeile 3, Spalte 1"]),
        (b"schema: digicheck/modules-1\nmodules: \xff\xfe\n", ["Zeile 2", "nicht UTF-8"]),
        (b"schema: !!python/object:os.system {}\n", ["Zeile 1", "!!python/object:os.system", "nicht erlaubt"]),
        (b"schema: !!python/object/apply:os.system [echo hacked]\n", ["!!python/object/apply:os.system", "nicht erlaubt"]),
    ],
)
def test_catalogue_import_of_a_broken_file_is_one_line(tmp_path: Path, content: bytes, fragments: list[str]) -> None:
    path = tmp_path / "katalog.yaml"
    path.write_bytes(content)
    result = run("catalogue", "import", str(path))
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "katalog.yaml" in line
    for fragment in fragments:
        assert fragment in line


def test_score_with_a_5000_digit_integer_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "antworten.yaml"
    path.write_text('questionnaire: "2026.1"\nanswers:\n  organisation.digilotsen: ' + "9" * 5000 + "\n", encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "Zeile 3" in line and "Zahl mit 5000 Zeichen ist zu lang" in line and len(line) < 300


@pytest.mark.parametrize("value", ["9" * 4000, "-5", "501", '"' + "9" * 5000 + '"', "1.0e+300"])
def test_score_refuses_numbers_outside_the_items_range(tmp_path: Path, value: str) -> None:
    path = tmp_path / "antworten.yaml"
    path.write_text(f'questionnaire: "2026.1"\nanswers:\n  organisation.digilotsen: {value}\n', encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "organisation.digilotsen" in line and len(line) < 300


def test_score_of_a_file_above_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "riesig.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    line = one_line_error(run("score", str(path)).output)
    assert "riesig.yaml" in line and "größer als 2 MB" in line


def test_billion_laughs_fails_fast_within_a_memory_limit(tmp_path: Path) -> None:
    path = tmp_path / "lachen.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert path.stat().st_size < 700
    for args in (("score", str(path)), ("catalogue", "import", str(path))):
        proc = run_limited(*args)
        assert proc.returncode == 1 and proc.stdout == ""
        assert "Aliase" in one_line_error(proc.stderr)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    proc = run_limited("score", "/dev/zero")
    assert proc.returncode == 1
    assert "keine reguläre Datei" in one_line_error(proc.stderr)


def test_a_pipe_is_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "rohr.yaml"
    os.mkfifo(fifo)
    proc = run_limited("score", str(fifo))  # opening a FIFO without a writer would block for ever
    assert proc.returncode == 1
    assert "keine reguläre Datei" in one_line_error(proc.stderr)


def test_self_referring_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kreis.yaml"
    path.write_text('questionnaire: "2026.1"\nanswers: &a {x: *a}\n', encoding="utf-8")
    assert "verweist auf sich selbst" in one_line_error(run("score", str(path)).output)


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "anker.yaml"
    path.write_text('questionnaire: "2026.1"\nanswers:\n  technik.isms: &w weiss_nicht\n  technik.netz: *w\n', encoding="utf-8")
    result = run("score", str(path))
    assert result.exit_code == 0, result.output


# --- invite ------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["a" * 250 + "@beispiel.de", "kein-at-zeichen", "x@y", "zwei..punkte@beispiel.de", "a@b@c.de"])
def test_invite_refuses_an_invalid_address(email: str) -> None:
    result = run("invite", email, "--role", "admin")
    assert result.exit_code == 1
    line = one_line_error(result.output)
    assert "keine gültige E-Mail-Adresse" in line and len(line) < 200


def test_invite_with_an_overlong_address_in_a_real_process() -> None:
    proc = run_limited("invite", "a" * 300 + "@beispiel.de", "--role", "berater")
    assert proc.returncode == 1 and "keine gültige E-Mail-Adresse" in one_line_error(proc.stderr)
