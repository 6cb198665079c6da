"""Checks on the interface catalogs: every string translated, nothing fuzzy, nothing stale."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po


def load(path: Path) -> Catalog:
    """Read a .po or .pot file with Babel's parser."""
    with path.open("rb") as handle:
        return read_po(handle)


def problems(po_path: Path, template: Catalog) -> list[str]:
    """What is wrong with one catalog, relative to the template, as readable lines."""
    catalog = load(po_path)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"{po_path}: untranslated: {message.id!r}")
        if message.fuzzy:
            found.append(f"{po_path}: fuzzy: {message.id!r}")
    template_ids = {m.id for m in template if m.id}
    catalog_ids = {m.id for m in catalog if m.id}
    found += [
        f"{po_path}: missing (run scripts/i18n.sh update): {i!r}"
        for i in template_ids - catalog_ids
    ]
    return found


def main(directory: str) -> int:
    """Print every problem in every catalog under `directory`; return 1 if there are any."""
    root = Path(directory)
    template = load(root / "messages.pot")
    found = [
        p for po in sorted(root.glob("*/LC_MESSAGES/messages.po")) for p in problems(po, template)
    ]
    print("\n".join(found) if found else "All catalogs complete.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "translations"))
