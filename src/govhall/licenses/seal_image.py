"""The visible image of an electronic seal: a round red official seal (公章) drawn as SVG.

The image is only what people see on a rendered license or notice; what proves anything is
the SM2 signature (GB/T 38540 keeps the image and the signature apart in the same way). It
follows the look of a Chinese official seal: a red ring, a five-pointed star in the middle,
the authority's name running clockwise along the upper arc, and the seal's use (e.g.
行政审批专用章) straight across below the star. Each character is placed and rotated one by
one rather than set on a ``<textPath>``, because WeasyPrint's SVG renderer draws rotated
``<text>`` reliably and text on paths not at all in some versions.
"""

from __future__ import annotations

import math
from html import escape

RED = "#d7000f"
SIZE = 200
CENTRE = SIZE / 2
RING_RADIUS = 94
TEXT_RADIUS = 68
MAX_ARC_DEGREES = 250.0
CHARACTER_DEGREES = 24.0


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.radians(-90 + index * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return f'<polygon points="{" ".join(points)}" fill="{RED}"/>'


def _arc_text(text: str) -> str:
    """One ``<text>`` per character along the upper arc, centred on the top, upright outwards."""
    characters = list(text)
    count = len(characters)
    if count == 0:
        return ""
    span = min(MAX_ARC_DEGREES, CHARACTER_DEGREES * (count - 1)) if count > 1 else 0.0
    step = span / (count - 1) if count > 1 else 0.0
    size = 23 if count <= 10 else max(14, int(23 * 10 / count))
    parts = []
    for index, character in enumerate(characters):
        degrees = -90 - span / 2 + index * step
        angle = math.radians(degrees)
        x = CENTRE + TEXT_RADIUS * math.cos(angle)
        y = CENTRE + TEXT_RADIUS * math.sin(angle)
        parts.append(
            f'<text x="{x:.2f}" y="{y:.2f}" dy="{size * 0.35:.1f}" font-size="{size}" '
            f'text-anchor="middle" transform="rotate({degrees + 90:.2f} {x:.2f} {y:.2f})">'
            f"{escape(character)}</text>"
        )
    return "".join(parts)


def seal_use(seal_name: str, department_name: str) -> str:
    """The seal's use as printed across the bottom: its name without the authority's name."""
    use = seal_name.removeprefix(department_name).strip(" ·-—")
    return use or "电子印章"


def seal_image_svg(*, department_name: str, seal_name: str) -> str:
    """The SVG of a seal for ``department_name`` (arc) with ``seal_name``'s use (bottom)."""
    use = seal_use(seal_name, department_name)
    use_size = 16 if len(use) <= 8 else max(10, int(16 * 8 / len(use)))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}">'
        f'<g font-family="Noto Serif CJK SC, Noto Sans CJK SC, serif" font-weight="bold" '
        f'fill="{RED}">'
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_RADIUS}" fill="none" stroke="{RED}" '
        f'stroke-width="6"/>'
        f"{_arc_text(department_name)}"
        f"{_star(CENTRE, CENTRE, 30)}"
        f'<text x="{CENTRE}" y="{CENTRE + 58}" font-size="{use_size}" text-anchor="middle">'
        f"{escape(use)}</text>"
        f"</g></svg>"
    )
