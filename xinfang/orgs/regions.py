"""Loading the region table from the shipped statistics-code extract."""

import csv
import gzip
import io
from pathlib import Path

DATA = Path(__file__).parent / "data" / "regions.csv.gz"


def region_rows() -> list[dict]:
    with gzip.open(DATA, "rb") as f:
        return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")))


def load_regions(Region) -> int:
    """Insert any region not yet present (parents first). Idempotent; takes the
    model as an argument so migrations can pass their historical model."""
    existing = set(Region.objects.values_list("code", flat=True))
    new = [
        Region(code=r["code"], name=r["name"], level=int(r["level"]), parent_id=r["parent"] or None)
        for r in sorted(region_rows(), key=lambda r: int(r["level"]))
        if r["code"] not in existing
    ]
    Region.objects.bulk_create(new, batch_size=2000)
    from xinfang.lib.memo import clear_all

    clear_all()  # bulk_create sends no signals (see xinfang.orgs.cached)
    return len(new)
