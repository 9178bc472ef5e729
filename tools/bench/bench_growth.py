"""How the benchmark's times grew from one size to the next.

Run by tools/bench/bench.sh after each ``make bench`` (the table goes to
stderr there, the JSON line stays the last line on stdout):

    python tools/bench/bench_growth.py --size XL [--cache DIR]

It reads the results ``make bench`` keeps in DIR (default
``${XDG_CACHE_HOME:-~/.cache}/dso_collection``), ``bench_<SIZE>.json``, and,
when the size below was run too (XL over L, L over S), prints for every time
and query count of both runs (the first and second planning, the next day,
the screens, the dashboard, the simulation, the sending, the peak memory) the
ratio larger / smaller next to the size ratio (customers), and flags those
that grew faster than the size: above linear. Prints nothing for S or when the
smaller size has no result. Exits 0 in every case: a table, not a test.
"""

import argparse
import json
import os
from pathlib import Path

BELOW = {"XL": "L", "L": "S"}
# Keys describing the dataset rather than measuring it.
SIZE_KEYS = {"size", "customers", "items"}
# A ratio this far above the size ratio is flagged (timing noise below it).
TOLERANCE = 1.10


def default_cache():
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dso_collection"


def load(cache, size):
    """The last JSON line ``make bench SIZE=size`` kept, or None."""
    path = Path(cache) / f"bench_{size}.json"
    if not path.exists():
        return None
    lines = path.read_text().strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:
        return None


def measures(result, prefix=""):
    """{key: number} of the times, query counts, counts and memory of a
    result, nested objects flattened (``screens_ms.agenda``)."""
    flat = {}
    for key, value in result.items():
        name = prefix + key
        if isinstance(value, dict):
            flat.update(measures(value, name + "."))
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and name not in SIZE_KEYS
        ):
            flat[name] = value
    return flat


def is_measure(key):
    """A time or a query count: what has to grow at most linearly."""
    top, leaf = key.split(".", 1)[0], key.rsplit(".", 1)[-1]
    return (
        top.endswith(("_s", "_ms"))
        or leaf.endswith(("_s", "_ms"))
        or ("queries" in leaf)
    )


def growth_rows(large, small):
    """(key, small value, large value, ratio, flag) of every measure of the
    large result, in its order (small value None: not measured then)."""
    size_ratio = large["customers"] / small["customers"]
    big, little = measures(large), measures(small)
    rows = []
    for key, value in big.items():
        if key not in little:
            rows.append((key, None, value, None, "new"))
            continue
        before = little[key]
        ratio = value / before if before else None
        flag = ""
        if is_measure(key):
            if ratio is None:
                flag = "no base"
            elif ratio > size_ratio * TOLERANCE:
                flag = "ABOVE LINEAR"
        rows.append((key, before, value, ratio, flag))
    return size_ratio, rows


def print_table(large, small):
    size_ratio, rows = growth_rows(large, small)
    a, b = small["size"], large["size"]
    print(
        f"Growth {b}/{a}: {small['customers']} -> {large['customers']} customers, "
        f"{small['items']} -> {large['items']} open items "
        f"(size ratio {size_ratio:g}x; flagged: a time or query count more "
        f"than {TOLERANCE:.2f} x the size ratio)"
    )
    width = max([len(row[0]) for row in rows] + [8])
    print(f"  {'measure':<{width}} {a:>12} {b:>12} {b + '/' + a:>8}")
    for key, before, value, ratio, flag in rows:
        shown = f"{ratio:.2f}" if ratio is not None else "-"
        was = f"{before:g}" if before is not None else "-"
        print(f"  {key:<{width}} {was:>12} {value:>12g} {shown:>8}  {flag}")
    above = [row[0] for row in rows if row[4] == "ABOVE LINEAR"]
    print(
        f"  above linear: {', '.join(above)}"
        if above
        else "  nothing grew faster than the size"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", required=True, choices=["S", "L", "XL"])
    parser.add_argument("--cache", default=None, help="folder of bench_<SIZE>.json")
    args = parser.parse_args()
    cache = args.cache or default_cache()
    below = BELOW.get(args.size)
    large = load(cache, args.size)
    small = load(cache, below) if below else None
    if not large or not small:
        if below:
            print(f"No growth table: no result of SIZE={below} in {cache}.")
        return
    print_table(large, small)


if __name__ == "__main__":
    main()
