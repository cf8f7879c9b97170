"""Small server-made SVG charts for the PDF reports: no browser needed, and
WeasyPrint draws SVG natively. Text is escaped; sizes are in CSS pixels."""

from xml.sax.saxutils import escape

FONT = "AR PL UMing CN, AR PL UMing TW, serif"
COLORS = ["#2f6db5", "#e08a2b", "#3a9a5b", "#c0392b", "#8e44ad"]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 4, 6, 8, 10):  # each divides into four readable ticks
        if value <= step * magnitude:
            return step * magnitude
    return value


def _frame(width: int, height: int, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">' + "".join(body) + "</svg>")


def _axes(left: int, top: int, w: int, h: int, top_value: float, unit: str) -> list[str]:
    out = []
    for i in range(5):
        y = top + h - h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        label = top_value * i / 4
        text = f"{label:g}{unit}"
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{escape(text)}</text>')
    return out


def bar_chart(labels: list[str], values: list[float], *, width: int = 640, height: int = 240,
              unit: str = "", rotate: bool = False) -> str:
    left, top, bottom = 48, 16, 56 if rotate else 28
    w, h = width - left - 10, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    body = _axes(left, top, w, h, top_value, unit)
    slot = w / max(len(values), 1)
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        bh = h * (v / top_value)
        x = left + slot * i + slot * 0.15
        body.append(f'<rect x="{x:.1f}" y="{top + h - bh:.1f}" width="{slot * 0.7:.1f}" height="{bh:.1f}" '
                    f'fill="{COLORS[0]}"/>')
        body.append(f'<text x="{x + slot * 0.35:.1f}" y="{top + h - bh - 3:.1f}" text-anchor="middle" '
                    f'font-size="9" fill="#333">{v:g}</text>')
        cx, cy = left + slot * (i + 0.5), top + h + 14
        transform = f' transform="rotate(-35 {cx:.1f} {cy:.1f})"' if rotate else ""
        anchor = "end" if rotate else "middle"
        body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="{anchor}"{transform}>{escape(label)}</text>')
    return _frame(width, height, body)


def line_chart(labels: list[str], series: dict[str, list[float | None]], *, width: int = 640, height: int = 240,
               unit: str = "", max_value: float | None = None) -> str:
    left, top, bottom = 48, 28, 28
    w, h = width - left - 10, height - top - bottom
    values = [v for vs in series.values() for v in vs if v is not None]
    top_value = max_value or _nice_max(max(values, default=0))
    body = _axes(left, top, w, h, top_value, unit)
    slot = w / max(len(labels), 1)
    step = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % step == 0:
            body.append(f'<text x="{left + slot * (i + 0.5):.1f}" y="{top + h + 14}" text-anchor="middle">'
                        f'{escape(label)}</text>')
    for n, (name, vs) in enumerate(series.items()):
        color = COLORS[n % len(COLORS)]
        points: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if len(points) > 1:
                    body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>')
                points = []
                continue
            x, y = left + slot * (i + 0.5), top + h - h * (v / top_value)
            points.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>')
        if len(points) > 1:
            body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>')
        lx = left + 8 + n * 120
        body.append(f'<rect x="{lx}" y="6" width="12" height="8" fill="{color}"/>')
        body.append(f'<text x="{lx + 16}" y="14">{escape(name)}</text>')
    return _frame(width, height, body)
