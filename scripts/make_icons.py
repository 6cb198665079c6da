"""Render the app icons (static/icon.svg, static/icons/maskable.svg) to the PNG sizes the
web app manifest needs, in Debian's Chromium. Run after changing an SVG; commit the PNGs."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "static"
ICONS = [("icon.svg", "icons/icon-{size}.png"), ("icons/maskable.svg", "icons/maskable-{size}.png")]


def main() -> None:
    """Write icon-192/512 and maskable-192/512 PNGs."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for source, target in ICONS:
            svg = (STATIC / source).read_text()
            for size in (192, 512):
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(
                    "<style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}</style>"
                    + svg
                )
                page.screenshot(path=str(STATIC / target.format(size=size)), omit_background=True)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
