"""The app-import table of ARCHITECTURE.md, as data, and the AST walk that checks
it: every import in the portal's code (at module top or inside a function) is
classified by the app and the kind of module on each side."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. An app's domain modules import only their own app and apps below.
LAYERS = [
    "core", "audit", "accounts", "agencies", "messenger", "tasks", "progress", "institutions", "regulation",
    "notifications", "reports", "api", "yuzhong_care",
]
# Apps of one layer that must not import each other either (siblings stay apart).
SIBLINGS = [{"progress", "institutions"}]

# Presentation modules (pages, admin, commands, demo builders, jobs) compose the
# layers: they may read any app's models, selectors, querysets, rules and forms —
# a task's page shows its progress — but never another app's views or urls.
PRESENTATION = {"views", "urls", "admin", "forms", "filters", "templatetags", "management", "demo", "jobs",
                "context_processors", "pages", "navigation"}
READABLE_BY_PRESENTATION = {"models", "selectors", "querysets", "rules", "forms", "lights", "periods", "labels",
                            "roles", "indicators", "services", "timerules"}

# The inbox is infrastructure like the history: any layer above the core writes
# to it in its own transaction (Zulip's way), so its two modules sit low.
SHARED_LOW = {"notifications.services", "notifications.models"}

# Modules that may break the table, each with its reason.
EXEMPT = {
    "core.management.commands.setup_portal": "the project's setup command composes every app's demo builders",
}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module that imports
    target: str  # dotted module imported
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, code: str, *, is_package: bool = False):
    """Every import in `code`, the text of module `source`."""
    package = source if is_package else source.rpartition(".")[0]
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # "from progress import rules" reads progress.rules
                yield Import(source, f"{target}.{alias.name}", node.lineno)


def portal_imports(apps=LAYERS):
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield from imports_in(_module_name(path), path.read_text(encoding="utf-8"),
                                      is_package=path.name == "__init__.py")


def _kind(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violation(imp: Import) -> str | None:
    """Why this import breaks the table, or None."""
    src_app, dst_app = imp.source.split(".")[0], imp.target.split(".")[0]
    if dst_app not in LAYERS or src_app == dst_app or imp.source in EXEMPT:
        return None
    if _kind(imp.target) in {"views", "urls"} and dst_app != "core" and src_app != "yuzhong_care":
        return "another app's views/urls"
    if any(imp.target == m or imp.target.startswith(m + ".") for m in SHARED_LOW) and src_app != "core":
        return None
    if LAYERS.index(dst_app) < LAYERS.index(src_app) and not any({src_app, dst_app} <= s for s in SIBLINGS):
        return None
    if _kind(imp.source) in PRESENTATION and _kind(imp.target) in READABLE_BY_PRESENTATION:
        return None
    return f"{src_app} may not import {dst_app}"


def violations(imports=None) -> list[str]:
    found = []
    for imp in imports if imports is not None else portal_imports():
        why = violation(imp)
        if why:
            found.append(f"{imp.source}:{imp.line} imports {imp.target} — {why}")
    return found
