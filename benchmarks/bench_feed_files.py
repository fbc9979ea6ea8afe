"""What a feed's Files lines cost: the feed's reads (as FeedScreen.reload
makes them) for a Sales Lead with 10,000 children, with no files and with
`--files` files, on a fresh SQLite file (or `--db URL`).

    python benchmarks/bench_feed_files.py --runs 21 [--files 200]

Prints the median and p95 in ms of: the first page without the Files part
(`feed_page`, as before), and the whole load with it (`file_count` plus
`feed_and_files`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--db")
    args = parser.parse_args()

    from focus_tui.domain import attachments, records
    from focus_tui.domain.attachments import BytesFile
    from focus_tui.domain.session import open_session
    from focus_tui.models import Record
    from focus_tui.views import feed

    folder = tempfile.mkdtemp(prefix="bench-feed-files-")
    session = open_session(args.db or str(Path(folder) / "bench.db"), "bench")
    lead = records.create_record(session, "sales_lead", "Fleet deal")
    plain = records.create_record(session, "sales_lead", "No files")
    now = session.clock.now_utc_naive()
    with session.db.atomic():
        for parent in (lead.id, plain.id):
            rows = [
                {
                    "type": "task",
                    "title": f"Task {i}",
                    "body": "",
                    "cloud": lead.cloud_id,
                    "creator": session.user.id,
                    "parent": parent,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(args.children)
            ]
            for start in range(0, len(rows), 500):
                Record.insert_many(rows[start : start + 500]).execute()
    for i in range(args.files):
        attachments.attach(
            session, lead.id, [BytesFile(f"file {i}.txt", "text/plain", b"%d" % i)]
        )

    def timed(job) -> list[float]:
        job()  # warm
        out = []
        for _ in range(args.runs):
            start = time.perf_counter()
            job()
            out.append((time.perf_counter() - start) * 1000)
        return out

    def before(record_id: int) -> None:
        feed.feed_count(session, record_id)
        feed.feed_page(session, record_id, 0, 100)

    def after(record_id: int) -> None:
        feed.feed_count(session, record_id)
        files = feed.file_count(session, record_id)
        feed.feed_and_files(session, record_id, 0, 100, files)

    for label, job in (
        ("no Files part, lead without files", lambda: before(plain.id)),
        ("with Files part, lead without files", lambda: after(plain.id)),
        (f"with Files part, lead with {args.files} files", lambda: after(lead.id)),
    ):
        times = sorted(timed(job))
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{label:<44} median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms"
        )


if __name__ == "__main__":
    main()
