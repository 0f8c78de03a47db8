"""Render the app's PNG icons (PWA manifest, Apple touch, favicon) from the SVG sources.

The PNGs are committed; run this only after changing ``public/icon.svg`` or
``scripts/icon-maskable.svg``. It uses Debian's Chromium through Playwright, as the
browser tests do, so no image library is needed.

    .venv/bin/python dashboard/scripts/render_icons.py
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

DASHBOARD = Path(__file__).resolve().parents[1]
PUBLIC = DASHBOARD / "public"
RENDERS = {
    PUBLIC / "icon.svg": {
        "pwa-192.png": 192,
        "pwa-512.png": 512,
        "apple-touch-icon.png": 180,
        "favicon-32.png": 32,
    },
    DASHBOARD / "scripts" / "icon-maskable.svg": {"pwa-maskable-512.png": 512},
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for source, outputs in RENDERS.items():
            svg = source.read_text(encoding="utf-8")
            for name, size in outputs.items():
                sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(f'<body style="margin:0">{sized}</body>')
                clip = {"x": 0, "y": 0, "width": size, "height": size}
                page.screenshot(path=str(PUBLIC / name), omit_background=True, clip=clip)
                page.close()
                print(PUBLIC / name)
        browser.close()


if __name__ == "__main__":
    main()
