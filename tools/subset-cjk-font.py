#!/usr/bin/env python3
"""Regenerate assets/fonts/NotoSansCJKsc-subset.otf, the Chinese font the app
always has, from the system's Noto Sans CJK collection (Debian: fonts-noto-cjk).

The subset holds every character of the GUI's message catalogues
(app/i18n/*/*.ftl: the GUI's words and the engine's sentences), the GB2312 level-1 hanzi (the 3,755 most common
characters, so short user text in Chinese renders without a system CJK font),
CJK and full-width punctuation, and ASCII. Run it after changing a catalogue;
the glyph test (app/tests/glyphs.rs) fails when a catalogue character is
missing.

Needs fonttools (pip install fonttools). Usage:
    tools/subset-cjk-font.py [--source PATH] [--index N]
"""

import argparse
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "fonts" / "NotoSansCJKsc-subset.otf"
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# The collection orders its faces JP, KR, SC, TC, HK (see `fc-query`): the
# Simplified Chinese face is the third.
SC_INDEX = 2


def gb2312_level1():
    """The level-1 hanzi of GB2312: rows 16 to 55 (bytes 0xB0A1..0xD7F9)."""
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            if (hi, lo) > (0xD7, 0xF9):
                break
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def catalogue_chars():
    chars = set()
    for ftl in sorted((ROOT / "app" / "i18n").glob("*/*.ftl")):
        chars.update(ftl.read_text(encoding="utf-8"))
    return chars


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=pathlib.Path, default=SOURCE)
    parser.add_argument("--index", type=int, default=SC_INDEX)
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source} not found: install fonts-noto-cjk or pass --source")
    level1 = gb2312_level1()
    if len(level1) != 3755:
        sys.exit(f"expected 3,755 GB2312 level-1 hanzi, decoded {len(level1)}")
    wanted = set(level1) | catalogue_chars()
    # ASCII, CJK symbols and punctuation, full-width forms.
    for lo, hi in [(0x20, 0x7E), (0x3000, 0x303F), (0xFF00, 0xFFEF)]:
        wanted.update(chr(c) for c in range(lo, hi + 1))
    wanted = sorted(c for c in wanted if c.isprintable() or c == " ")
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("".join(wanted))
        text_file = f.name
    OUT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable, "-m", "fontTools.subset", str(args.source),
            f"--font-number={args.index}",
            f"--text-file={text_file}",
            f"--output-file={OUT}",
            # Keep the naming table whole: the OFL asks for the copyright
            # notice to stay with the font.
            "--name-IDs=*",
            "--name-languages=*",
            "--no-hinting",
            "--layout-features=*",
        ],
        check=True,
    )
    pathlib.Path(text_file).unlink()
    print(f"{OUT.relative_to(ROOT)}: {len(wanted)} characters, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
