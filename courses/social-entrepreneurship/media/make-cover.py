"""Makes the demo course's cover, cover.webp (run by hand, not by the platform).

Towns around a sea joined by lines into one network: the course's region and its partners.
Drawn with Pillow at twice the size and scaled down (smooth edges), then reduced to 16
colours and saved as lossless WebP: about 5 KB for 800 x 300 pixels.

    .venv/bin/python courses/social-entrepreneurship/media/make-cover.py
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT, SCALE = 800, 300, 2
SEA, LAND, SHORE, LINK, TOWN, ROOF = "#cfe3f5", "#9fcf9a", "#b5d99c", "#0b5cad", "#ffffff", "#e8a600"
TOWNS = [(150, 90), (120, 220), (300, 255), (470, 245), (620, 235), (690, 90), (700, 190), (330, 40)]
LINKS = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 6), (6, 5), (5, 7), (7, 0), (0, 3), (2, 6), (7, 4)]


def main() -> None:
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), SEA)
    draw = ImageDraw.Draw(image)

    def at(*points: float) -> list[float]:
        return [p * SCALE for p in points]

    def land(cx: float, cy: float, rx: float, ry: float, corners: int, seed: int, fill: str) -> None:
        wobble = random.Random(seed)  # noqa: S311 - a drawing's wobble, the same on every run
        outline = []
        for k in range(corners):
            angle, radius = 2 * math.pi * k / corners, 1 + wobble.uniform(-0.18, 0.18)
            outline.append(tuple(at(cx + rx * radius * math.cos(angle), cy + ry * radius * math.sin(angle))))
        draw.polygon(outline, fill=fill)

    land(70, 150, 170, 210, 28, 1, LAND)  # west
    land(430, 330, 420, 110, 30, 2, SHORE)  # south
    land(760, 120, 150, 190, 26, 3, LAND)  # east
    land(330, -30, 150, 80, 20, 4, "#a8d3a0")  # north
    for a, b in LINKS:
        draw.line(at(*TOWNS[a], *TOWNS[b]), fill=LINK, width=3 * SCALE)
    for x, y in TOWNS:
        draw.ellipse(at(x - 13, y - 13, x + 13, y + 13), fill=TOWN, outline=LINK, width=4 * SCALE)
        draw.polygon([tuple(at(x - 6, y + 1)), tuple(at(x, y - 6)), tuple(at(x + 6, y + 1))], fill=ROOF)
        draw.rectangle(at(x - 4, y + 1, x + 4, y + 7), fill=ROOF)
    image = image.resize((WIDTH, HEIGHT), Image.LANCZOS)
    image = image.quantize(colors=16, method=Image.Quantize.FASTOCTREE).convert("RGB")
    image.save(Path(__file__).with_name("cover.webp"), "WEBP", lossless=True, quality=100, method=6)


if __name__ == "__main__":
    main()
