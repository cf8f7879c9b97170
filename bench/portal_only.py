"""Only the public portal bench (bench/portal_bench.py), on the bench database
that `make bench` fills: `.venv/bin/python bench/portal_only.py`."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench_run  # noqa: E402 - sets the bench environment first


def main() -> None:
    bench_run.ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from bench import portal_bench

    portal_bench.run()


if __name__ == "__main__":
    main()
