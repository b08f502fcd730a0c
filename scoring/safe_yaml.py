"""Read untrusted YAML (and JSON) without tracebacks or runaway memory.

Every content and answers file goes through `read_limited` and `load_yaml`:
only regular files up to a size limit, strict UTF-8, `yaml.SafeLoader` tags
only, and alias expansion bounded, so a "billion laughs" file of a few hundred
bytes is refused before anything walks it. Problems raise `YamlRefused` with
one German line; callers add the file name.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

#: Largest content or answers file read, in bytes (the biggest shipped file is far below 200 KB).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Nodes that aliases may add on top of the nodes written in the file.
MAX_ALIAS_NODES = 10_000

_SATURATED = 2**62  # sizes stop growing here; the limit is far below
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:  # libyaml's loader where the C extension is there
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """The safe loader (libyaml where available) with values that cannot be built reported at their place."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):  # an integer of more than 4300 digits, 2026-02-30, ...
            text = str(node.value)
            problem = (
                f"Zahl mit {len(text)} Zeichen ist zu lang"
                if node.tag.endswith(":int") and len(text) > 100
                else f"ungültiger Wert '{text[:40]}{'…' if len(text) > 40 else ''}'"
            )
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


class YamlRefused(ValueError):
    """A file is not read or not parsed; the message is one German line without the file name."""


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; devices, pipes and larger files are refused."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # checked before opening: opening a pipe would block
            raise YamlRefused("keine reguläre Datei")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise YamlRefused("Datei nicht gefunden") from None
    except OSError as exc:
        raise YamlRefused(f"Datei nicht lesbar ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise YamlRefused(f"Datei ist größer als {_size(limit)} und wird nicht gelesen")
    return data


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} Bytes"


def decode_utf8(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM is dropped); the error names the line of the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlRefused(f"Zeile {line}: Text ist nicht UTF-8-kodiert") from None


def load_yaml(text: str, max_alias_nodes: int = MAX_ALIAS_NODES) -> Any:
    """Parse one YAML document with safe tags only and bounded alias expansion."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, max_alias_nodes)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise YamlRefused(_describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(f"YAML-Fehler: {_first_line(str(exc))}") from None
    except RecursionError:  # only the pure-Python parser recurses; libyaml stops at depth 1000 itself
        raise YamlRefused("YAML-Fehler: zu tief verschachtelt") from None
    finally:
        loader.dispose()


def _describe(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}: " if mark is not None else ""
    problem = _first_line(exc.problem or exc.context or "unbekannter Fehler")
    if not isinstance(exc, yaml.constructor.ConstructorError):
        return f"{where}YAML-Syntaxfehler: {problem}"
    if "constructor for the tag" in problem:
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        problem = f"Typ-Tag {tag} ist nicht erlaubt (nur Texte, Zahlen, Listen und Zuordnungen)"
    return f"{where}YAML-Fehler: {problem}"


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 200 else line[:200] + "…"


def _check_expansion(root: yaml.Node, limit: int) -> None:
    """Refuse documents whose aliases would add more than `limit` nodes, or that refer to themselves.

    Sizes are counted on the composed graph, where an alias is the same node
    object again, so the count itself stays linear in the file size.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            sizes[key] = min(_SATURATED, 1 + sum(sizes[id(child)] for child in children))
            continue
        if key in sizes:
            continue
        if key in active:
            raise YamlRefused("YAML-Alias verweist auf sich selbst")
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
        if any(id(child) in active for child in children):
            raise YamlRefused("YAML-Alias verweist auf sich selbst")
    if sizes[id(root)] - len(sizes) > limit:
        raise YamlRefused(f"YAML-Aliase erweitern das Dokument um mehr als {limit} Knoten; bitte ohne Aliase schreiben")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
