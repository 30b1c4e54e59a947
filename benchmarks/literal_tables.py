"""Count the lines of domain knowledge written as Python literals under src/.

A line counts when it lies inside a literal container (dict, list, tuple, set)
holding three or more string constants, or inside a string constant that
lists words (three or more ``|`` alternatives, or any Cyrillic): word tables
and regex word lists. Domain knowledge belongs in ``src/briefx/data/``.

    python benchmarks/literal_tables.py [CHECKOUT]   # total and per file
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "briefx"
# The stages that know about the world (rules, normalisers, grounding, scoring);
# the rest (public API lists, settings, test stubs, file formats) is configuration.
DOMAIN = frozenset(
    "_topics _normalise _rules _people _grounding _prepare _assemble _answers _eval "
    "_dates _money _trade _kinds _language places".split()
)
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _is_table(node: ast.AST) -> bool:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = node.elts
    elif isinstance(node, ast.Dict):
        items = [*(k for k in node.keys if k is not None), *node.values]
    else:
        return False
    strings = [i for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
    return len(strings) >= 3


def _is_word_list(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return node.value.count("|") >= 3 or bool(_CYRILLIC.search(node.value))


def table_lines(path: Path) -> set[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: set[int] = set()
    exports = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    }
    for node in ast.walk(tree):
        if id(node) in exports:
            continue  # the public API's names, not domain knowledge
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstrings
        if _is_table(node) or _is_word_list(node):
            end = getattr(node, "end_lineno", node.lineno) or node.lineno
            lines.update(range(node.lineno, end + 1))
    # Docstrings are prose, not tables.
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            doc = node.body[0] if node.body else None
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant):
                lines.difference_update(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
    return lines


def main() -> int:
    root = Path(sys.argv[1]) / "src" / "briefx" if len(sys.argv) > 1 else ROOT
    rows = []
    for path in sorted(root.rglob("*.py")):
        n = len(table_lines(path))
        if n:
            rows.append((n, path.relative_to(root.parent.parent)))
    total = sum(n for n, _ in rows)
    domain = sum(n for n, path in rows if path.parts[2].removesuffix(".py") in DOMAIN)
    print("| file | literal table lines |\n|---|---|")
    for n, path in sorted(rows, reverse=True):
        print(f"| {path} | {n} |")
    print(f"| **domain modules** | **{domain}** |")
    print(f"| **total** | **{total}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
