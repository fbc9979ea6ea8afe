"""`focus-tui import-time`: Watson's frames and `timew export`, written here
in each tool's documented format, become finished time entries on deals."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import UTC, datetime

import pytest
from conftest import count_rows

from focus_tui import cli
from focus_tui.core.process import Phase
from focus_tui.domain import clouds, records, sales, time_import
from focus_tui.domain.session import Session, ensure_user, open_session
from focus_tui.importing.time_history import UNTAGGED, parse_history, read_history
from focus_tui.models import Record, TimeEntry


def run_cli(db_path, *args: str, user: str = "tester") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(db_path), "--user", user, *args])
    return code, out.getvalue(), err.getvalue()


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def timew(text: str) -> str:
    return datetime.fromisoformat(text).strftime("%Y%m%dT%H%M%SZ")


def frame(start: str, stop: str | None, project: str, fid: str, tags=()) -> list:
    """A Watson frame as `frames` stores it (epoch seconds, UTC)."""
    begin = epoch(start)
    end = epoch(stop) if stop else None
    return [begin, end, project, fid, list(tags), end or begin]


FRAMES = [
    frame("2026-03-02 08:00:00", "2026-03-02 09:30:17", "Järvenpää Oy", "f1", ["lead"]),
    frame(
        "2026-03-02 10:00:00",
        "2026-03-02 11:00:00",
        "Järvenpää Oy",
        "f2",
        ["client meeting", "Proposal"],
    ),
    frame("2026-03-03 12:00:00", "2026-03-03 12:00:41", "Acme", "f3", ["follow-up"]),
    frame("2026-03-04 09:00:00", "2026-03-04 10:15:00", "Acme", "f4", ["client care"]),
    frame("2026-03-05 22:30:00", "2026-03-06 01:10:09", "Acme", "f5"),  # no phase
    [epoch("2026-03-06 07:00:00"), epoch("2026-03-06 07:20:00"), "Acme", "f6"],  # old
    frame("2026-03-06 09:00:00", None, "Acme", "f7", ["billing"]),  # still running
]
FINISHED = [f for f in FRAMES if f[1] is not None]
WATSON_TOTAL = sum(f[1] - f[0] for f in FINISHED)


def write_frames(tmp_path, frames=FRAMES):
    path = tmp_path / "frames"
    path.write_text(json.dumps(frames), encoding="utf-8")
    return path


EXPORT = [
    {
        "id": 5,
        "start": timew("2026-03-02 08:00:00"),
        "end": timew("2026-03-02 08:45:30"),
        "tags": ["Järvenpää Oy", "fulfilment"],
        "annotation": "Kick-off",
    },
    {
        "id": 4,
        "start": timew("2026-03-02 09:00:00"),
        "end": timew("2026-03-02 09:59:59"),
        # Timewarrior sorts tags: a phase tag may come first.
        "tags": ["billing", "client meeting"],
    },
    {
        "id": 3,
        "start": timew("2026-03-02 13:00:00"),
        "end": timew("2026-03-02 13:00:01"),
        "tags": ["client meeting"],
    },
    {
        "id": 2,
        "start": timew("2026-03-02 14:00:00"),
        "end": timew("2026-03-02 14:30:00"),
    },
    {"id": 1, "start": timew("2026-03-02 15:00:00"), "tags": ["Järvenpää Oy"]},
]
TIMEW_TOTAL = 2730 + 3599 + 1 + 1800


def write_export(tmp_path, items=EXPORT):
    """As `timew export` prints it: one interval a line."""
    path = tmp_path / "export.json"
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return path


def entries(db_path, clock) -> list[tuple[str, str, int, str]]:
    """(lead, phase, seconds, source) of every entry, in start order."""
    session = open_session(db_path, "tester", clock)
    rows = (
        TimeEntry.select(
            Record.title, TimeEntry.phase, TimeEntry.seconds, TimeEntry.source
        )
        .join(Record, on=(Record.id == TimeEntry.record))
        .order_by(TimeEntry.started_at)
        .tuples()
    )
    found = [tuple(r) for r in rows]
    session.db.close()
    return found


def test_watson_frames_become_finished_entries_on_leads(db_path, tmp_path, clock):
    code, out, err = run_cli(
        db_path,
        "import-time",
        "watson",
        str(write_frames(tmp_path)),
        "--format",
        "json",
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["intervals"] == 7 and summary["running"] == 1
    assert summary["added"] == 6 and summary["already_there"] == 0
    assert summary["deals"] == {"count": 2, "found": 0, "created": 2}
    assert summary["cloud"] == "tester (private)"
    # The tool's own total, to the second.
    assert summary["total"]["seconds"] == WATSON_TOTAL == summary["added_seconds"]
    hours, rest = divmod(WATSON_TOTAL, 3600)
    assert summary["total"]["clock"] == f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    # Local time (Helsinki, UTC+2 in March).
    assert summary["span"] == {
        "first": "2026-03-02T10:00:00",
        "last": "2026-03-06T09:20:00",
    }
    assert entries(db_path, clock) == [
        ("Järvenpää Oy", Phase.LEAD, 5417, "watson:f1"),
        ("Järvenpää Oy", Phase.PROPOSAL, 3600, "watson:f2"),
        ("Acme", Phase.FOLLOW_UP, 41, "watson:f3"),
        ("Acme", Phase.CLIENT_CARE, 4500, "watson:f4"),
        ("Acme", Phase.LEAD, 9609, "watson:f5"),  # a new lead's phase
        ("Acme", Phase.LEAD, 1200, "watson:f6"),
    ]
    leads = json.loads(run_cli(db_path, "list", "--format", "json")[1])
    assert sorted((r["type"], r["title"]) for r in leads) == [
        ("sales_lead", "Acme"),
        ("sales_lead", "Järvenpää Oy"),
    ]


def test_a_timewarrior_export_becomes_entries_by_first_tag(db_path, tmp_path, clock):
    code, out, err = run_cli(
        db_path, "import-time", "timewarrior", str(write_export(tmp_path))
    )
    assert code == 0, err
    assert "Timewarrior" in out and "5 intervals" in out
    assert "still running (skipped)  1" in out
    assert f"= {TIMEW_TOTAL} s" in out
    found = entries(db_path, clock)
    assert [row[:3] for row in found] == [
        ("Järvenpää Oy", Phase.FULFILMENT, 2730),
        ("client meeting", Phase.BILLING, 3599),  # the first tag naming no phase
        ("client meeting", Phase.LEAD, 1),
        (UNTAGGED, Phase.LEAD, 1800),
    ]
    # Known by what it is (timew's ids are positions); tags as ASCII JSON.
    start, end = timew("2026-03-02 08:00:00"), timew("2026-03-02 08:45:30")
    assert found[0][3] == (
        f'timewarrior:{start}/{end}/["J\\u00e4rvenp\\u00e4\\u00e4 Oy","fulfilment"]'
    )


def test_a_second_import_adds_nothing_and_says_so(db_path, tmp_path):
    frames, export = write_frames(tmp_path), write_export(tmp_path)
    for tool, path in (("watson", frames), ("timewarrior", export)):
        assert run_cli(db_path, "import-time", tool, str(path))[0] == 0
    before = count_rows(db_path, "time_entry"), count_rows(db_path, "record")
    assert before[0] == len(FINISHED) + 4
    for tool, path, total in (
        ("watson", frames, WATSON_TOTAL),
        ("timewarrior", export, TIMEW_TOTAL),
    ):
        code, out, _ = run_cli(
            db_path, "import-time", tool, str(path), "--format", "json"
        )
        summary = json.loads(out)
        assert code == 0 and summary["added"] == 0 and summary["added_seconds"] == 0
        assert summary["already_there"] == summary["intervals"] - 1
        assert summary["deals"]["created"] == 0
        assert summary["total"]["seconds"] == total
        code, out, _ = run_cli(db_path, "import-time", tool, str(path))
        assert "Nothing new" in out
    assert (count_rows(db_path, "time_entry"), count_rows(db_path, "record")) == before


def test_an_interval_that_comes_twice_in_a_file_is_added_once(db_path, tmp_path):
    twice = [*FINISHED[:2], FINISHED[0]]
    code, out, _ = run_cli(
        db_path,
        "import-time",
        "watson",
        str(write_frames(tmp_path, twice)),
        "--format",
        "json",
    )
    summary = json.loads(out)
    assert (summary["added"], summary["already_there"]) == (2, 1)
    assert count_rows(db_path, "time_entry") == 2


def test_existing_leads_are_found_by_title_in_the_target_cloud(session, tmp_path):
    mine = records.create_record(session, "sales_lead", "Acme")
    offer = sales.create_proposal(session, mine.id, "Offer")
    sales.send(session, offer.id)
    clouds.create_cloud(session, "Sales East")
    team = records.create_record(session, "sales_lead", "Acme", cloud="Sales East")
    records.create_record(session, "task", "Järvenpää Oy")  # not a lead
    history = read_history("watson", write_frames(tmp_path))
    done = time_import.import_time(session, history)
    assert (done.deals_found, done.deals_created) == (1, 1)
    acme = TimeEntry.select().where(TimeEntry.record == mine.id).order_by(TimeEntry.id)
    # Untagged time takes the lead's phase now: a proposal of it was sent.
    assert [e.phase for e in acme] == [
        Phase.FOLLOW_UP,
        Phase.CLIENT_CARE,
        Phase.FOLLOW_UP,
        Phase.FOLLOW_UP,
    ]
    other = read_history("timewarrior", write_export(tmp_path, EXPORT[:1]))
    renamed = parse_history(
        "watson",
        json.dumps(
            [frame("2026-04-01 08:00", "2026-04-01 09:00", " Acme\n", "t1")]
        ).encode(),
        "team",
    )
    done = time_import.import_time(session, renamed, cloud="sales east")
    assert (done.cloud, done.deals_found, done.added) == ("Sales East", 1, 1)
    assert TimeEntry.get(TimeEntry.source == "watson:t1").record_id == team.id
    assert (
        time_import.import_time(session, other, cloud="Sales East").deals_created == 1
    )


def test_a_title_with_control_bytes_is_stored_as_any_title_and_shown_safely(
    db_path, tmp_path
):
    frames = [frame("2026-03-02 08:00", "2026-03-02 09:00", "Evil\x1b[2J\tOy", "e1")]
    code, out, err = run_cli(
        db_path, "import-time", "watson", str(write_frames(tmp_path, frames))
    )
    assert code == 0, err
    assert "\x1b" not in out
    listing = json.loads(run_cli(db_path, "list", "--format", "json")[1])
    assert [r["title"] for r in listing] == ["Evil\x1b[2J Oy"]


def test_a_new_user_gets_a_private_cloud_and_an_unknown_cloud_is_refused(
    db_path, tmp_path
):
    frames = str(write_frames(tmp_path))
    code, _, err = run_cli(
        db_path, "import-time", "watson", frames, "--cloud", "Nowhere", user="newbie"
    )
    assert code == 2 and "not a member of a cloud called 'Nowhere'" in err
    assert count_rows(db_path, "user") == 0
    code, out, _ = run_cli(db_path, "import-time", "watson", frames, user="newbie")
    assert code == 0 and "in newbie (private)" in out


BAD_FILES = [
    ("watson", b"not json", "not JSON (Expecting value, line 1 column 1)"),
    ("watson", b"", "not JSON"),
    ("watson", b"\xff\xfe[]", "not UTF-8 text"),
    ("watson", b'{"a": 1}', "is not a Watson frames file: not a list of frames"),
    ("watson", b'{"project": "x", "start": 1}', "is Watson's state file"),
    ("watson", b"[[1, 2, 3]]", "frame 1: not a list [start, stop, project"),
    ("watson", b'[[1, 2, "x", "a"], ["1", 2, "x", "b"]]', "frame 2: its start is not"),
    ("watson", b'[[true, 2, "x", "a"]]', "frame 1: its start is not a time"),
    ("watson", b'[[NaN, 2, "x", "a"]]', "NaN is not a number"),
    ("watson", b'[[1e300, 2, "x", "a"]]', "its start is not a time"),
    ("watson", b'[[5, 2, "x", "a"]]', "frame 1: it stops before it starts"),
    ("watson", b'[[1, 2, 7, "a"]]', "its project is not a text"),
    ("watson", b'[[1, 2, "x", ""]]', "it has no id"),
    ("watson", b'[[1, 2, "x", "a", "tag"]]', "its tags are not a list of texts"),
    ("watson", b'[[1, 2, " \\n ", "a"]]', "as a deal's title: A title is needed."),
    ("watson", b'[[1, 2, "\\ud800", "a"]]', "holds bytes that are not text"),
    (
        "watson",
        json.dumps([[1, 2, "x" * 501, "a"]]).encode(),
        "frame 1, as a deal's title: The title is too long (501 > 500 characters).",
    ),
    ("watson", b"[" * 100_000, "nested too deeply"),
    ("timewarrior", b"[1]", 'interval 1: not an object {"start", "end", "tags"}'),
    ("timewarrior", b'[{"start": "2023-10-01"}]', "its start is not a time like"),
    ("timewarrior", b'[{"start": "20231301T090000Z"}]', "its start is not a time"),
    (
        "timewarrior",
        b'[{"start": "20231001T090000Z", "end": "20231001T080000Z"}]',
        "interval 1: it ends before it starts",
    ),
    ("timewarrior", b'[{"start": "20231001T090000Z", "tags": [1]}]', "its tags are"),
    ("timewarrior", b'[[1, 2, "x", "a"]]', "interval 1: not an object"),
]


@pytest.mark.parametrize("tool, content, message", BAD_FILES)
def test_a_bad_file_is_one_clear_line_and_changes_nothing(
    db_path, tmp_path, tool, content, message
):
    # Something there already: a refused import must leave it as it was.
    good = write_frames(tmp_path, FINISHED[:1])
    assert run_cli(db_path, "import-time", "watson", str(good))[0] == 0
    path = tmp_path / "bad"
    path.write_bytes(content)
    code, out, err = run_cli(db_path, "import-time", tool, str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err, err
    assert count_rows(db_path, "time_entry") == 1 and count_rows(db_path, "record") == 1


def test_a_missing_file_a_folder_and_a_fifo_are_refused(db_path, tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path, message in (
        (tmp_path / "nothere", "There is no file"),
        (tmp_path, "is a folder, not a file"),
        (fifo, "is not a regular file"),  # not waited on for ever
    ):
        code, _, err = run_cli(db_path, "import-time", "timewarrior", str(path))
        assert code == 2 and message in err
    assert count_rows(db_path, "time_entry") == 0


def test_the_export_can_come_on_standard_input(db_path, tmp_path, monkeypatch):
    text = write_export(tmp_path).read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code, out, _ = run_cli(
        db_path, "import-time", "timewarrior", "-", "--format", "json"
    )
    summary = json.loads(out)
    assert code == 0 and summary["file"] == "standard input"
    assert summary["added"] == 4 and summary["total"]["seconds"] == TIMEW_TOTAL


def test_the_example_of_timew_export_1_with_its_trailing_comma_is_read():
    example = (
        b'[\n{"id":2,"start":"20231001T103000Z","end":"20231001T120000Z",'
        b'"tags":["work"],"annotation":"Project work"},\n'
        b'{"id":1,"start":"20231001T090000Z","end":"20231001T100000Z",'
        b'"tags":["work"],"annotation":"Morning meeting"},\n]\n'
    )
    history = parse_history("timewarrior", example, "export")
    assert [
        (i.deal, i.phase, (i.end - i.start).seconds) for i in history.intervals
    ] == [
        ("work", None, 5400),
        ("work", None, 3600),
    ]


def test_a_lead_in_a_cloud_of_someone_else_is_not_found(session, tmp_path):
    """Deals are looked up through the access path: my "Acme" in my private
    cloud is not bob's, and bob's import makes his own."""
    my_lead = records.create_record(session, "sales_lead", "Acme")
    bob = Session(db=session.db, user=ensure_user("bob", session.clock))
    done = time_import.import_time(bob, read_history("watson", write_frames(tmp_path)))
    assert (done.cloud, done.deals_found, done.deals_created) == ("bob (private)", 0, 2)
    assert not TimeEntry.select().where(TimeEntry.record == my_lead.id).exists()
    # The same frames are mine to import too: a source is unique per user.
    done = time_import.import_time(
        session, read_history("watson", write_frames(tmp_path))
    )
    assert (done.added, done.deals_found) == (len(FINISHED), 1)
    assert TimeEntry.select().where(TimeEntry.record == my_lead.id).count() == 4
