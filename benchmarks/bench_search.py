"""Search as you type: the time of each keystroke's query over a demo database.

    python benchmarks/bench_search.py [DB|URL] [--words 60] [--runs 3]

DB defaults to benchmarks/data/demo-1000000.db (benchmarks/build.py); the
user is the demo's owner, "bench" (on PostgreSQL a superuser login may name
them). Words are drawn
(seeded) from the data itself: names, companies, cities and title words of
random records, an e-mail address part and phone digits, two-word searches,
and words nothing matches. Each is typed a letter at a time and every prefix
is one query, as the TUI runs it (`views.search.search`: people, titles,
then the rest, the rows of what is shown, grouped by type). Prints the
median and p95 per keystroke, and the slowest queries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from focus_tui.core.text import search_words
from focus_tui.domain.session import open_session
from focus_tui.views.search import search

DATA = Path(__file__).parent / "data"


def sample_words(session, count: int, seed: int = 11) -> list[str]:
    db = session.db
    rng = random.Random(seed)
    (top,) = db.execute_sql("SELECT MAX(id) FROM record").fetchone()
    words: list[str] = []
    while len(words) < count:
        rid = rng.randint(1, top)
        row = db.execute_sql(
            "SELECT r.title, c.email, c.phone FROM record r LEFT JOIN "
            f"contact_details c ON c.record_id = r.id WHERE r.id >= {db.param} "
            "ORDER BY r.id LIMIT 1",
            (rid,),
        ).fetchone()
        if row is None:
            continue
        title, email, phone = row
        found = [w for w in search_words(title, 20) if len(w) >= 3]
        if not found:
            continue
        kind = len(words) % 6
        if kind == 0 and email:
            words.append(email.split("@")[0].split(".")[-1] + "@")
        elif kind == 1 and phone:
            words.append(phone)
        elif kind == 2 and len(found) >= 2:
            words.append(" ".join(rng.sample(found, 2)))
        else:
            words.append(rng.choice(found))
    words += ["zzqx", "qwerty", "xyzzy"]  # nothing matches
    return words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", nargs="?", default=str(DATA / "demo-1000000.db"))
    parser.add_argument("--words", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="bench", help="the demo's owner")
    args = parser.parse_args()
    # On PostgreSQL a superuser login may name the user (see domain.session).
    session = open_session(args.target, args.user, create_user=False)
    (records,) = session.db.execute_sql("SELECT COUNT(*) FROM record").fetchone()
    words = sample_words(session, args.words)
    times: list[tuple[float, str, int]] = []
    for run in range(args.runs):
        for word in words:
            for end in range(1, len(word) + 1):
                typed = word[:end]
                start = time.perf_counter()
                found = search(session, typed)
                elapsed = time.perf_counter() - start
                if run:  # the first run warms the cache
                    times.append((elapsed, typed, found.count))
    ms = sorted(t * 1000 for t, _, _ in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{args.target.rsplit('/', 1)[-1]}: {records:,} records, user "
        f"{session.user.name}; {len(words)} words, {len(ms)} keystroke queries "
        f"({args.runs - 1} warm runs): median {statistics.median(ms):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )
    for elapsed, typed, count in sorted(times, reverse=True)[:5]:
        print(f"  slowest: {elapsed * 1000:6.1f} ms  {typed!r} ({count} shown)")


if __name__ == "__main__":
    main()
