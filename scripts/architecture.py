#!/usr/bin/env python3
"""The README's architecture section, written from what enforces it: the layers contracts in
pyproject.toml (their order) and each module's own docstring (what it is). A test compares the
README with this output, so the section cannot drift from the code; after moving a module or
changing a contract, `scripts/architecture.py --write` rewrites it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN = "<!-- architecture: written by scripts/architecture.py, checked by a test -->"
END = "<!-- architecture: end -->"


def _source(module: str) -> Path | None:
    """The file that holds ``module``'s docstring: the module, or its package's __init__."""
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def summary(module: str) -> str:
    """The first sentence of ``module``'s docstring, on one line."""
    path = _source(module)
    doc = ast.get_docstring(ast.parse(path.read_text())) if path else None
    if not doc:
        return "(no docstring)"
    text = " ".join(doc.split())
    match = re.search(r"(?<!e\.g)(?<!i\.e)\.(\s|$)", text)
    return text[: match.start() + 1] if match else text


def _names(layer: str) -> list[str]:
    return [name.strip() for name in re.split(r"[|:]", layer) if name.strip()]


def section(config: dict) -> str:
    """The section's Markdown: one list per layers contract, top layer first."""
    lines = [
        "Each list is a layers contract of `pyproject.toml`, top first: a module imports only the",
        "modules of the layers below its own (`lint-imports` in `scripts/test` fails otherwise).",
        "Within a layer, `|` joins modules that never import each other, `:` modules that may.",
        "Each module is described by the first sentence of its own docstring.",
    ]
    for contract in config["contracts"]:
        if contract["type"] != "layers":
            continue
        containers = contract.get("containers", [])
        prefix = f"{containers[0]}." if containers else ""
        lines += ["", f"**{contract['name']}**", ""]
        for number, layer in enumerate(contract["layers"], 1):
            lines.append(f"{number}. `{layer}`")
            for name in _names(layer):
                lines.append(f"   - `{name}`: {summary(prefix + name)}")
    others = [c["name"] for c in config["contracts"] if c["type"] != "layers"]
    if others:
        lines += ["", "Also checked:", ""]
        lines += [f"- {name}" for name in others]
    return "\n".join(lines)


def written(readme: str, config: dict) -> str:
    """``readme`` with its architecture section replaced by ``section(config)``."""
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + section(config) + "\n" + readme[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md's section")
    args = parser.parse_args()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    readme = README.read_text()
    new = written(readme, config)
    if args.write:
        README.write_text(new)
    elif new != readme:
        print("README.md's architecture section is out of date: scripts/architecture.py --write",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
