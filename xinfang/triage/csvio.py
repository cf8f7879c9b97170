"""Reading the labelled / unlabelled CSV files the commands take, with the
Chinese error messages a bad file deserves (nothing is trained or written then)."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path


class CsvProblem(Exception):
    """A file the commands cannot use; the message is for the operator, in Chinese."""


@dataclass
class Table:
    fieldnames: list[str]
    rows: list[dict[str, str]]


def read_table(path: str | Path, required: tuple[str, ...]) -> Table:
    path = Path(path)
    if not path.is_file():
        raise CsvProblem(f"找不到文件：{path}")
    # Messages can be long letters; the csv module's default field limit (128 KB) is too small for a few.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            fieldnames = [n.strip() for n in (reader.fieldnames or [])]
            reader.fieldnames = fieldnames
            rows = [dict(r) for r in reader]
    except UnicodeDecodeError:
        raise CsvProblem(f"文件不是 UTF-8 编码的 CSV：{path}") from None
    except csv.Error as e:
        raise CsvProblem(f"CSV 格式错误：{e}") from None
    if not fieldnames:
        raise CsvProblem(f"文件为空：{path}")
    missing = [c for c in required if c not in fieldnames]
    if missing:
        raise CsvProblem(f"CSV 缺少必需的列：{'、'.join(missing)}（现有列：{'、'.join(fieldnames)}）")
    if not rows:
        raise CsvProblem(f"CSV 只有表头，没有数据行：{path}")
    return Table(fieldnames, rows)


@dataclass
class Labelled:
    titles: list[str]
    bodies: list[str]
    labels: list[str]
    skipped: int  # rows without a body or a label


def read_labelled(path: str | Path) -> Labelled:
    table = read_table(path, ("body", "label"))
    has_title = "title" in table.fieldnames
    titles, bodies, labels, skipped = [], [], [], 0
    for r in table.rows:
        body, label = (r.get("body") or "").strip(), (r.get("label") or "").strip()
        title = (r.get("title") or "").strip() if has_title else ""
        if not (body or title) or not label:
            skipped += 1
            continue
        titles.append(title)
        bodies.append(body)
        labels.append(label)
    if not labels:
        raise CsvProblem("CSV 中没有同时含有内容（body）和分类（label）的行")
    return Labelled(titles, bodies, labels, skipped)
