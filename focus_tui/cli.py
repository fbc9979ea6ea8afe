"""The command line: `focus-tui` opens the TUI; subcommands run headless.

Headless commands import no Textual (they must start fast) and call the same
domain functions as the TUI. User mistakes print one line and exit 2.
"""

from __future__ import annotations

import argparse
import errno
import gc
import io
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence

from . import config
from .core.errors import DatabaseUnavailable, UserError
from .core.text import format_size, is_text, json_text, shown, visible

EXIT_USER_ERROR = 2
EXIT_DATABASE = 3


class _Formatter(argparse.HelpFormatter):
    """argparse's layout, the terminal's width read without shutil, which
    argparse imports for it on every parser built (~2.5 ms of a short
    command; the help is rarely shown)."""

    def __init__(self, prog: str, *args, **kwargs) -> None:
        if kwargs.get("width") is None and len(args) < 3:
            kwargs["width"] = _columns() - 2  # as argparse does
        super().__init__(prog, *args, **kwargs)


def _columns() -> int:
    """What shutil.get_terminal_size() gives: $COLUMNS, else the terminal's
    width, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line, not a usage dump, and a
    word that starts with a minus and a digit is a value ("-5d", five days
    ago), never an option: no option of ours starts with a digit."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        # argparse takes only plain negative numbers ("-5") as values.
        self._negative_number_matcher = re.compile(r"^-\d")

    def error(self, message: str):  # type: ignore[override]
        # argparse repeats what was typed: control characters made visible.
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {shown(message)}\n")


def _record_id(text: str) -> int:
    """An id given as an option's value: ASCII digits, as everywhere (`int`
    would take "٣" as 3)."""
    from .domain.access import parse_id

    try:
        return parse_id(text)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _with_option(parser, text: str) -> None:
    parser.add_argument(
        "--with",
        dest="people",
        nargs="+",
        action="extend",
        default=[],
        metavar="PERSON",
        help=text,
    )


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a port (1-65535).")
    return int(text)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number.")
    return int(text)


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        default=default,
        metavar="PATH|URL",
        help="database file or postgresql:// URL (default: $FOCUS_TUI_DB, "
        "else focus.db in the user data directory)",
    )
    parser.add_argument(
        "--user",
        default=default,
        metavar="NAME",
        help="who you are (default: $FOCUS_TUI_USER, else the login name)",
    )


class _OnlyOne:
    """The subcommands action, building the parser of one command only.

    Building all ~45 parsers (argparse looks up a translation for every
    help text) took a third of a short command's start-up; a command line
    needs one. The others get a stand-in that takes their arguments and
    keeps nothing.
    """

    def __init__(self, action, only: str | None) -> None:
        self._action, self._only = action, only
        self.built: set[str] = set()

    def add_parser(self, name: str, **kwargs):
        if self._only is not None and name != self._only:
            return _NOT_BUILT
        self.built.add(name)
        return self._action.add_parser(name, **kwargs)


class _NotBuilt:
    def add_argument(self, *args, **kwargs) -> None:
        pass

    def add_mutually_exclusive_group(self, *args, **kwargs):
        return self

    def add_subparsers(self, *args, **kwargs):
        return self

    def add_parser(self, *args, **kwargs):
        return self


_NOT_BUILT = _NotBuilt()


def _command_word(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if it is plain to see:
    past the global options; "" for none (the TUI); None for anything else
    (help, an abbreviated option) — then every parser is built."""
    at = 0
    while at < len(argv):
        arg = argv[at]
        if arg in ("--db", "--user"):
            at += 2
        elif arg == "--demo" or arg.startswith(("--db=", "--user=")):
            at += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return ""


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    word = _command_word(argv)
    parser, sub = _build_parser(word)
    if word and word not in sub.built:  # a typo: list them all
        parser, _ = _build_parser(None)
    return parser.parse_args(argv)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, every command's parser built."""
    return _build_parser(None)[0]


def _build_parser(only: str | None) -> tuple[argparse.ArgumentParser, _OnlyOne]:
    parser = _Parser(
        prog="focus-tui",
        description="Focus TUI: the sales process and time tracker for the terminal.",
    )
    _global_options(parser, suppress=False)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open on a throw-away demo database",
    )
    common = _Parser(add_help=False)
    _global_options(common, suppress=True)
    sub = _OnlyOne(
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
        only,
    )

    p = sub.add_parser("demo", parents=[common], help="fill a database with demo data")
    p.add_argument("--records", type=_count, default=2000, metavar="N")

    p = sub.add_parser("add", parents=[common], help="create a record; prints its id")
    p.add_argument("type", metavar="TYPE", nargs="?")
    p.add_argument("title", metavar="TITLE", nargs="?")
    p.add_argument(
        "--quick",
        metavar="LINE",
        help='one line instead of TYPE TITLE: "lead Acme Oy fri 10:00 #nordic @bob"'
        " (--parent: the record in view)",
    )
    _with_option(p, "tag these Contact Persons (id or name)")
    p.add_argument("--date", metavar="EXPR")
    p.add_argument("--parent", type=_record_id, metavar="ID")
    p.add_argument("--cloud", metavar="NAME")
    p.add_argument("--notes", default="", metavar="TEXT")
    p.add_argument("--one-time", metavar="SUM", help="proposal/order: one-time value")
    p.add_argument("--monthly", metavar="SUM", help="proposal/order: monthly value")
    p.add_argument("--currency", metavar="CODE", help="default EUR")
    p.add_argument(
        "--template", metavar="NAME", help="start from this template (and its children)"
    )

    p = sub.add_parser("edit", parents=[common], help="change a record's text or sums")
    p.add_argument("id", type=_record_id, metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--one-time", metavar="SUM", help="proposal/order: one-time value")
    p.add_argument("--monthly", metavar="SUM", help="proposal/order: monthly value")
    p.add_argument("--currency", metavar="CODE")
    _with_option(p, "also tag these Contact Persons (id or name)")

    p = sub.add_parser("list", parents=[common], help="list records")
    p.add_argument("--type", dest="types", action="append", metavar="T")
    p.add_argument("--all", action="store_true", help="include finished records")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("move", parents=[common], help="give an activity a new date")
    p.add_argument("id", metavar="ID")
    p.add_argument("expr", metavar="EXPR", nargs="+")

    for name, text in (("finish", "mark done"), ("unfinish", "mark not done")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("id", metavar="ID")

    p = sub.add_parser("send", parents=[common], help="a proposal was sent")
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", metavar="D", help="sent date (default today)")
    p.add_argument("--follow-up", default="+1w", metavar="EXPR")
    p.add_argument(
        "--keep-lead-open", action="store_true", help="do not finish the Sales Lead"
    )

    p = sub.add_parser("revise", parents=[common], help="a new revision of an offer")
    p.add_argument("id", metavar="ID")
    p.add_argument("--one-time", metavar="SUM")
    p.add_argument("--monthly", metavar="SUM")
    p.add_argument("--currency", metavar="CODE")
    p.add_argument("--date", metavar="D", help="sent date (default today)")
    p.add_argument("--follow-up", metavar="EXPR")

    p = sub.add_parser("lost", parents=[common], help="the offer was turned down")
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", default="", metavar="R")

    p = sub.add_parser("sold", parents=[common], help="the proposal became an order")
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", metavar="D", help="sold date (default today)")
    p.add_argument(
        "--template", metavar="NAME", help="fulfilment tasks of this Order template"
    )

    p = sub.add_parser("delivered", parents=[common], help="the order was delivered")
    p.add_argument("id", metavar="ID")
    p.add_argument("--date", metavar="D", help="delivered date (default today)")

    p = sub.add_parser("billed", parents=[common], help="the order was billed")
    p.add_argument("id", metavar="ID")
    p.add_argument(
        "date", nargs="?", metavar="DATE", help="billed date (default today)"
    )
    p.add_argument("--monthly", action="store_true", help="set up monthly billing")

    p = sub.add_parser("undo", parents=[common], help="undo the last step on a record")
    p.add_argument("id", metavar="ID")

    p = sub.add_parser("report", parents=[common], help="reports")
    p.add_argument(
        "which", choices=("phases", "pipeline", "stats", "time"), metavar="REPORT"
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--from", dest="start", metavar="D", help="first day (inclusive)")
    p.add_argument("--to", dest="end", metavar="D", help="last day (inclusive)")
    p.add_argument(
        "--by",
        choices=tuple(dict.fromkeys(b for bys in _REPORT_BY.values() for b in bys)),
        help="phases: phase|deal|person|cloud (default phase); time: day|week "
        "(default day)",
    )
    p.add_argument("--cloud", metavar="NAME")
    p.add_argument("--person", metavar="USER", help="only this user's time / deals")

    p = sub.add_parser("export", parents=[common], help="export a view to .xlsx")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--view", choices=("report", "sales-process"), default="report")
    p.add_argument("--type", dest="types", action="append", metavar="T")
    p.add_argument("--from", dest="start", metavar="D")
    p.add_argument("--to", dest="end", metavar="D")
    p.add_argument("--cloud", metavar="NAME")
    p.add_argument("--mine", action="store_true", help="only records I am an actor of")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_true", help="only unfinished records")
    state.add_argument("--finished", action="store_true", help="only finished records")

    p = sub.add_parser("focus", parents=[common], help="start focusing on an activity")
    p.add_argument("id", metavar="ID")
    p.add_argument("--at", metavar="WHEN", help="started then (9:00, yesterday 17:30)")
    p = sub.add_parser("unfocus", parents=[common], help="stop the running focus")
    p.add_argument("--at", metavar="WHEN", help="stopped then (17:00)")
    p = sub.add_parser("time", parents=[common], help="time entries: list and fix")
    times = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    q = times.add_parser("list", parents=[common], help="entries, newest first")
    q.add_argument("id", metavar="ID", nargs="?", help="a record's (anybody's)")
    q.add_argument("--from", dest="start", metavar="D", help="first day (inclusive)")
    q.add_argument("--to", dest="end", metavar="D", help="last day (inclusive)")
    q.add_argument("--person", metavar="USER", help="a teammate's (default: mine)")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q = times.add_parser("add", parents=[common], help="a forgotten entry")
    q.add_argument("id", metavar="ID")
    q.add_argument("--from", dest="start", metavar="WHEN", required=True)
    q.add_argument("--to", dest="end", metavar="WHEN", required=True)
    q.add_argument("--trim", action="store_true", help="overlapped entries give way")
    q = times.add_parser("edit", parents=[common], help="change an entry")
    q.add_argument("entry", metavar="ENTRY_ID")
    q.add_argument("--from", dest="start", metavar="WHEN")
    q.add_argument("--to", dest="end", metavar="WHEN")
    q.add_argument("--record", metavar="ID", help="move it to another activity")
    q.add_argument("--trim", action="store_true", help="overlapped entries give way")
    q = times.add_parser("delete", parents=[common], help="remove an entry (undoable)")
    q.add_argument("entry", metavar="ENTRY_ID")
    sub.add_parser("status", parents=[common], help="show the running focus")
    p = sub.add_parser("show", parents=[common], help="a record as its feed shows it")
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser("feed", parents=[common], help="a cloud's records, newest first")
    p.add_argument("name", metavar="CLOUD")
    p.add_argument("--type", dest="types", action="append", metavar="T")
    p.add_argument("--actor", metavar="USER", help="a member, or me")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_true", help="only unfinished records")
    state.add_argument("--finished", action="store_true", help="only finished records")
    p.add_argument("--limit", type=_count, default=50, metavar="N")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p = sub.add_parser(
        "search", parents=[common], help="records whose words start with TEXT"
    )
    p.add_argument("text", metavar="TEXT", nargs="+")
    p.add_argument("--type", dest="type_name", metavar="T")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p = sub.add_parser(
        "people", parents=[common], help="Contact Persons, organisation, last contact"
    )
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p = sub.add_parser("who", parents=[common], help="who in your clouds is focused")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("cloud", parents=[common], help="clouds and their members")
    clouds = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    q = clouds.add_parser("list", parents=[common], help="your clouds")
    q.add_argument("--archived", action="store_true", help="archived ones too")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q = clouds.add_parser("create", parents=[common], help="a new team cloud")
    q.add_argument("name", metavar="NAME")
    q = clouds.add_parser("rename", parents=[common], help="owners: rename a cloud")
    q.add_argument("name", metavar="OLD")
    q.add_argument("new_name", metavar="NEW")
    q = clouds.add_parser("archive", parents=[common], help="owners: hide, keep all")
    q.add_argument("name", metavar="NAME")
    q = clouds.add_parser("unarchive", parents=[common], help="owners: bring back")
    q.add_argument("name", metavar="NAME")
    q = clouds.add_parser("members", parents=[common], help="who is in a cloud")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q = clouds.add_parser("add", parents=[common], help="owners: add a member")
    q.add_argument("name", metavar="NAME")
    q.add_argument("member", metavar="USER")
    q.add_argument("--owner", action="store_true", help="as an owner")
    q = clouds.add_parser("remove", parents=[common], help="remove a member, or leave")
    q.add_argument("name", metavar="NAME")
    q.add_argument("member", metavar="USER")

    p = sub.add_parser("templates", parents=[common], help="the templates you can use")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p = sub.add_parser("template", parents=[common], help="save, rename, delete one")
    kinds = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    q = kinds.add_parser("save", parents=[common], help="a record and its children")
    q.add_argument("id", metavar="ID")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--cloud", metavar="NAME", help="default: the record's cloud")
    q.add_argument(
        "--replace", action="store_true", help="over a template of that name there"
    )
    q = kinds.add_parser("rename", parents=[common], help="give a template a new name")
    q.add_argument("name", metavar="NAME")
    q.add_argument("new_name", metavar="NEW")
    q = kinds.add_parser(
        "delete", parents=[common], help="remove a template (and its children)"
    )
    q.add_argument("name", metavar="NAME")

    p = sub.add_parser("user", parents=[common], help="PostgreSQL: logins")
    users = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    q = users.add_parser("add", parents=[common], help="a colleague's login")
    q.add_argument("member", metavar="NAME")
    q.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new login's password from standard input",
    )

    p = sub.add_parser(
        "move-to-cloud", parents=[common], help="move a record and all below it"
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("name", metavar="CLOUD")
    p = sub.add_parser("actor", parents=[common], help="who works on an activity")
    actors = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    for action, text in (("add", "make a member an actor"), ("remove", "no longer")):
        q = actors.add_parser(action, parents=[common], help=text)
        q.add_argument("id", metavar="ID")
        q.add_argument("member", metavar="USER")

    from .importing import TOOLS

    p = sub.add_parser(
        "import-time", parents=[common], help="bring in Watson or Timewarrior time"
    )
    p.add_argument("tool", choices=TOOLS, metavar="TOOL", help="watson|timewarrior")
    p.add_argument(
        "file",
        metavar="FILE",
        help="Watson's frames file, or `timew export` (- reads stdin)",
    )
    p.add_argument("--cloud", metavar="NAME", help="of the deals (default: private)")
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser(
        "import",
        parents=[common],
        help="e-mail (.eml, mbox, Maildir) as Contact Notes; other files attached",
    )
    p.add_argument("paths", metavar="FILE|DIR", nargs="+")
    p.add_argument(
        "--to", type=_record_id, metavar="ID", help="under this record (default: focus)"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser(
        "attach", parents=[common], help="put files on a record (prints their ids)"
    )
    p.add_argument("id", metavar="ID")
    p.add_argument("paths", metavar="FILE", nargs="+")
    p = sub.add_parser("files", parents=[common], help="the files on a record")
    p.add_argument("id", metavar="ID")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p = sub.add_parser("file", parents=[common], help="one attached file: get, delete")
    files = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    q = files.add_parser("get", parents=[common], help="save it (owner-only, 0600)")
    q.add_argument("attachment", metavar="ATTACHMENT_ID")
    q.add_argument("--out", required=True, metavar="PATH", help="a file or a folder")
    q.add_argument("--force", action="store_true", help="replace an existing file")
    q = files.add_parser("delete", parents=[common], help="take it off its record")
    q.add_argument("attachment", metavar="ATTACHMENT_ID")

    p = sub.add_parser(
        "serve", parents=[common], help="the app in a web browser (extra: serve)"
    )
    p.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback)")
    p.add_argument("--port", type=_port, default=8000, help="default 8000")
    p.add_argument(
        "--public",
        action="store_true",
        help="allow a host other than loopback (anyone who reaches it is you)",
    )
    p.add_argument(
        "--url",
        metavar="URL",
        help="the address browsers use (default http://HOST:PORT)",
    )

    sub.add_parser("check", parents=[common], help="check the database file for damage")
    p = sub.add_parser(
        "backup", parents=[common], help="copy the database safely, even in use"
    )
    p.add_argument("path", metavar="PATH", help="the new file to write")
    return parser, sub


def run() -> int:
    """The `focus-tui` command: `main`, then out of the collector's way.

    The process ends at once: the interpreter's shutdown would run the
    garbage collector over every object it made (~15 ms of a 90 ms
    `focus-tui status`); frozen, they are left to the exit. Only here, not
    in `main`, which tests call many times in one process.
    """
    status = main()
    gc.freeze()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    # A command creates most of its objects while importing (classes and
    # functions, none of them garbage): the collector's pass after every 700
    # of them cost ~5 ms of a 90 ms `focus-tui status`. Collect rarely.
    collecting = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        return _main(argv, collecting)
    finally:
        gc.set_threshold(*collecting)


def _main(argv: Sequence[str] | None, collecting: tuple[int, ...]) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for place, arg in enumerate(argv, 1):
        if not is_text(arg):  # bytes that were not UTF-8 (a pasted title)
            print(
                f"focus-tui: Argument {place} holds bytes that are not text "
                f"(not UTF-8): {shown(arg)}",
                file=sys.stderr,
            )
            return EXIT_USER_ERROR
    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that cannot show a character gets "?", not a
        # traceback (PYTHONIOENCODING=ascii, an old locale).
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    args = parse_arguments(argv)
    try:
        if args.command is None:
            gc.set_threshold(*collecting)  # a long-lived app: the usual passes
            return _run_tui(args)
        status = _run_command(args)
        sys.stdout.flush()  # a full disk shows here, not at exit
        return status
    except UserError as exc:
        print(f"focus-tui: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except DatabaseUnavailable as exc:
        print(f"focus-tui: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `focus-tui list | head`
        _drop_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS or _is_database_error(exc):
            raise
        _drop_stdout()
        print(f"focus-tui: Cannot write the output: {exc.strerror}.", file=sys.stderr)
        return EXIT_DATABASE
    except Exception as exc:
        # The database failed while working (read-only file, server gone).
        from .domain.session import DATABASE_ERRORS, describe_database_error

        if not isinstance(exc, DATABASE_ERRORS):
            raise
        print(
            f"focus-tui: {describe_database_error(exc, _target(args))}",
            file=sys.stderr,
        )
        return EXIT_DATABASE


# Writing to standard output failed: a full disk or file system, a dead terminal.
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


def _is_database_error(exc: BaseException) -> bool:
    from .domain.session import DATABASE_ERRORS

    return isinstance(exc, DATABASE_ERRORS)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not
    fail a second time on what could not be written."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _target(args) -> str:
    if args.db is not None:
        if not args.db.strip():
            raise UserError("--db needs a path or a postgresql:// URL.")
        return args.db
    return config.default_database()


def _default_location(args) -> bool:
    """Only the default database may have its folder created on the fly."""
    return args.db is None and not os.environ.get("FOCUS_TUI_DB")


def _user(args) -> str | None:
    """--user, or None: then the session is of the PostgreSQL login, else of
    $FOCUS_TUI_USER or the system login (`domain.session.open_session`)."""
    if args.user is not None and not args.user.strip():
        raise UserError("--user needs a name.")
    return args.user


def _run_tui(args) -> int:
    from .app import run_app

    if args.demo and args.db is not None:
        # Opening the named database would not be a demo, and filling it
        # would not be asked for: neither, silently.
        raise UserError(
            "--demo opens a throw-away database of its own: leave out --db, "
            "or fill one with: focus-tui --db PATH demo"
        )

    return run_app(
        db=None if args.demo else _target(args),
        user=_user(args),
        create_folder=_default_location(args),
        upgrading=say_upgrading,
    )


def _run_command(args) -> int:
    from .domain.session import open_session

    if args.command == "demo":
        return _cmd_demo(args)
    if args.command in ("check", "backup"):  # on the file, not a session
        return _FILE_COMMANDS[args.command](args)
    if args.command == "serve":  # each browser tab runs the app itself
        return _cmd_serve(args)
    session = open_session(
        _target(args),
        _user(args),
        create_folder=_default_location(args),
        create_user=not _reads_only(args),
        user_on_first_write=True,
        upgrading=say_upgrading,
    )
    handler = _COMMANDS[args.command]
    try:
        return handler(session, args) or 0
    finally:
        session.db.close()  # now, not at exit: SQLite folds its log back in


def say_upgrading(old: int, new: int, stream=None) -> None:
    """Before the schema of an older database is brought up to date: on a
    terminal, why nothing else shows (a million records: a minute or so)."""
    stream = stream or sys.stderr
    if stream.isatty():
        print(
            f"focus-tui: Upgrading the database (version {old} to {new}), "
            "once: a while if big…",
            file=stream,
            flush=True,
        )


def _reads_only(args) -> bool:
    action = (args.command, getattr(args, "action", None))
    return args.command in _READS or action in _READ_ACTIONS


# A host name, not an address: dot-separated labels of letters, digits and '-'.
_HOST_NAME = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


def _cmd_serve(args) -> int:
    """The app in a browser, through textual-serve: each tab runs
    `focus-tui` on the same database as this user. Loopback by default:
    whoever reaches the port works as you (README: over an SSH tunnel)."""
    import ipaddress
    import shlex

    from .domain.session import open_session

    if not args.demo:
        # A wrong or damaged database says so here, not in every browser tab.
        session = open_session(
            _target(args),
            _user(args),
            create_folder=_default_location(args),
            user_on_first_write=True,
        )
        session.db.close()
    host = args.host.strip()
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
        if not _HOST_NAME.fullmatch(host):
            raise UserError(
                f"{shown(host)} is not a host name or an IP address."
            ) from None
    if not loopback and not args.public:
        raise UserError(
            f"{shown(host)} is not loopback: anyone who reaches it works as you. "
            "Add --public if that is meant, or use an SSH tunnel (README)."
        )
    # After the host check: a refused host is refused with or without the extra.
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError(
            "focus-tui serve needs the serve extra: "
            "pip install 'focus-tui[serve]' (or pip install textual-serve)."
        ) from None
    if not loopback:
        print(
            f"focus-tui: warning: serving on {shown(host)}, not loopback: anyone "
            "who reaches this port works in Focus as you, unencrypted.",
            file=sys.stderr,
        )
    command = [sys.executable, "-m", "focus_tui"]
    if args.demo:
        command.append("--demo")
    else:
        command += ["--db", _target(args)]
    user = _user(args)
    if user is not None:
        command += ["--user", user]
    shown_host = f"[{host}]" if ":" in host else host
    server = Server(
        shlex.join(command),
        host=host,
        port=args.port,
        title="Focus TUI",
        public_url=args.url or f"http://{shown_host}:{args.port}",
    )
    server.serve()
    return 0


def _cmd_demo(args) -> int:
    from .demo.fill import fill_demo
    from .domain.session import open_session, shown_target

    target = _target(args)
    # The fill adds its users itself, once it has found the database empty.
    session = open_session(
        target,
        _user(args),
        create_folder=_default_location(args),
        user_on_first_write=True,
    )
    summary = fill_demo(
        session.db,
        records=args.records,
        user_name=session.user.name,
        clock=session.clock,
    )
    print(
        f"Filled {shown_target(target)} with {summary.records} records and "
        f"{summary.time_entries} time entries in {summary.seconds:.1f} s."
    )
    return 0


def _cmd_add(session, args) -> int:
    from .core.dates import parse_when
    from .core.process import CONTACT_PERSON, SALE_KEYS, parse_type
    from .domain.records import add_participants, create_record
    from .domain.sales import set_terms

    if args.quick is not None:
        return _add_quick(session, args)
    if args.type is None or args.title is None:
        raise UserError('Give a TYPE and a TITLE, or --quick "LINE".')
    when = parse_when(args.date, session.clock.today()) if args.date else None
    terms = _terms(args)
    rtype = parse_type(args.type)
    if terms is not None and rtype.key not in SALE_KEYS:
        raise UserError("Sums belong to a Sales Proposal or an Order.")
    if args.people and rtype is CONTACT_PERSON:
        raise UserError("A Contact Person is not tagged with people; leave out --with.")
    if args.template is not None:
        return _add_from_template(session, args, rtype, when, terms)
    with session.transaction():
        people = _people(session, args.people)
        record = create_record(
            session,
            rtype,
            args.title,
            body=args.notes,
            when=when,
            parent_id=args.parent,
            cloud=args.cloud,
        )
        if terms is not None:
            set_terms(session, record.id, terms, log=False)
        if people:
            add_participants(session, record.id, people)
    print(record.id)
    return 0


def _add_from_template(session, args, rtype, when, terms) -> int:
    from .domain import templates

    with session.transaction():
        templates.ensure_builtins(session)
        given = {} if args.date is None else {"when": when}
        record = templates.create_from_template(
            session,
            args.template,
            type_=rtype,
            title=args.title,
            body=args.notes or None,
            parent_id=args.parent,
            cloud=args.cloud,
            terms=terms,
            participant_ids=_people(session, args.people),
            **given,
        )
    print(record.id)
    return 0


def _cmd_templates(session, args) -> int:
    from .core.process import type_of
    from .domain.templates import ensure_builtins
    from .views.templates import template_rows

    ensure_builtins(session)
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "type": t.type if args.format == "json" else type_of(t.type).name,
            "cloud": t.cloud,
            "children": t.children,
        }
        for t in template_rows(session)
    ]
    if args.format == "table" and not rows:
        print("No templates: focus-tui template save ID NAME makes one.")
        return 0
    _print_rows(
        rows, ("ID", "NAME", "TYPE", "CLOUD", "CHILDREN"), args.format, left=(1, 2, 3)
    )
    return 0


def _cmd_template(session, args) -> int:
    from .domain import templates

    if args.action == "save":
        with session.transaction():
            templates.ensure_builtins(session)
            made = templates.save_template(
                session, _id(args.id), args.name, cloud=args.cloud, replace=args.replace
            )
        print(made.id)
    elif args.action == "rename":
        with session.transaction():
            templates.ensure_builtins(session)
            templates.rename_template(session, args.name, args.new_name)
        print(f"Renamed to {_plain(' '.join(args.new_name.split()))}.")
    else:
        with session.transaction():
            templates.ensure_builtins(session)
            gone = templates.delete_template(session, args.name)
        print(f"Deleted the template ({gone} record{'s' if gone != 1 else ''}).")
    return 0


def _add_quick(session, args) -> int:
    from .domain.quick_add import quick_add
    from .domain.records import add_participants

    given = [
        name
        for name, value in (
            ("TYPE", args.type),
            ("--date", args.date),
            ("--cloud", args.cloud),
            ("--notes", args.notes or None),
            ("--one-time", args.one_time),
            ("--monthly", args.monthly),
            ("--currency", args.currency),
            ("--template", args.template),
        )
        if value is not None
    ]
    if given:
        raise UserError(
            f"--quick says it all in one line; leave out {', '.join(given)} "
            '(e.g. --quick "task call Matti +2d #nordic").'
        )
    with session.transaction():
        people = _people(session, args.people)
        record = quick_add(session, args.quick, context_id=args.parent)
        if people:
            add_participants(session, record.id, people)
    print(record.id)
    return 0


def _people(session, names) -> list[int]:
    """--with PERSON ...: ids of Contact Persons, by id or name."""
    from .views.people import person_named

    return [person_named(session, name).id for name in names]


def _cmd_edit(session, args) -> int:
    from .domain.access import get_record
    from .domain.records import add_participants, edit_record
    from .domain.sales import set_terms

    terms = _terms(args)
    if args.title is None and args.notes is None and terms is None and not args.people:
        raise UserError(
            "Nothing to change: give --title, --notes, --one-time, --monthly, "
            "--currency or --with."
        )
    with session.transaction():
        people = _people(session, args.people)
        record = get_record(session, args.id, lock=True)
        if args.title is not None or args.notes is not None:
            edit_record(session, record.id, title=args.title, body=args.notes)
        if terms is not None:
            set_terms(session, record.id, terms)
        if people:
            add_participants(session, record.id, people)
    print(record.id)
    return 0


def _terms(args):
    """--one-time / --monthly / --currency as Terms (None if none given)."""
    from .core.money import parse_terms

    return parse_terms(args.one_time, args.monthly, args.currency)


def _cmd_list(session, args) -> int:
    from .core.process import parse_type
    from .domain.access import cloud_names
    from .views.listing import list_records

    keys = tuple(parse_type(t).key for t in args.types or ())
    clouds = cloud_names(session)
    sales: dict = {}  # the sale row of the row being written
    out = sys.stdout

    def rows() -> Iterator:
        for row, sale in list_records(session, keys, include_finished=args.all):
            sales[row.id] = sale
            yield row
            sales.pop(row.id, None)

    def as_dict(row) -> dict:
        due = session.clock.to_local(row.due_at) if row.due_at else None
        return {
            "id": row.id,
            "type": row.type,
            "title": row.title,
            "date": row.date.isoformat() if row.date else None,
            "time": due.strftime("%H:%M") if due else None,
            "finished": row.finished,
            "finished_at": _iso_local(session, row.finished_at),
            "parent_id": row.parent_id,
            "cloud": clouds.get(row.cloud_id),
            "focused_seconds": int(row.focused),
            **_sale_fields(sales.get(row.id)),
        }

    if args.format == "json":
        out.write("[")
        written = 0
        for row in rows():
            out.write(",\n " if written else "\n ")
            out.write(json_text(as_dict(row)))
            written += 1
        out.write("\n]\n" if written else "]\n")
    elif args.format == "csv":
        writer = None
        # To a terminal, control bytes are shown, not obeyed; to a file or a
        # pipe the data goes as stored.
        to_terminal = out.isatty()
        for row in rows():
            data = as_dict(row)
            if to_terminal:
                data = {
                    k: _plain(v) if isinstance(v, str) else v for k, v in data.items()
                }
            if writer is None:
                import csv

                writer = csv.DictWriter(out, fieldnames=list(data))
                writer.writeheader()
            writer.writerow(data)
    else:
        from .core.process import type_of
        from .core.text import format_duration

        count = 0
        for row in rows():
            if count == 0:
                print(f"{'ID':>7}  {'TYPE':<19} {'DATE':<16} {'FOCUSED':>8}  TITLE")
            count += 1
            when = row.date.isoformat() if row.date else "-"
            if row.due_at:
                when += " " + session.clock.to_local(row.due_at).strftime("%H:%M")
            mark = "✓ " if row.finished else ""
            print(
                f"{row.id:>7}  {type_of(row.type).name:<19} {when:<16} "
                f"{format_duration(row.focused):>8}  {mark}{_plain(row.title)}"
            )
        if count == 0:
            print("No records.", file=sys.stderr)
    return 0


def _cmd_search(session, args) -> int:
    from .core.process import parse_type, type_of
    from .views.search import search

    type_key = parse_type(args.type_name).key if args.type_name else None
    found = search(session, " ".join(args.text), type_key=type_key)
    rows = []
    for row in found.rows():
        day = getattr(row, "date", None) or getattr(row, "last_contact", None)
        rows.append(
            {
                "id": row.id,
                "type": row.type if args.format != "table" else type_of(row.type).name,
                "date": day.isoformat() if day else None,
                "title": row.title,
                "organisation": getattr(row, "organisation", None),
            }
        )
    if args.format == "table" and not rows:
        print("Nothing found.", file=sys.stderr)
        return 0
    note = (
        f"The newest {found.count} shown: add words to narrow it." if found.more else ""
    )
    _print_rows(
        rows, ("ID", "TYPE", "DATE", "TITLE"), args.format, note, left=(1, 2, 3)
    )
    return 0


def _cmd_people(session, args) -> int:
    from .views.people import all_people

    rows = []
    for person in all_people(session):
        rows.append(
            {
                "id": person.id,
                "name": person.title,
                "organisation": person.organisation,
                "last_contact": (
                    person.last_contact.isoformat() if person.last_contact else None
                ),
                "email": person.email,
                "phone": person.phone,
            }
        )
    if args.format == "table" and not rows:
        print("No Contact Persons.", file=sys.stderr)
        return 0
    headers = ("ID", "NAME", "ORGANISATION", "LAST CONTACT", "E-MAIL", "PHONE")
    _print_rows(rows, headers, args.format, left=range(1, 6))
    return 0


def _sale_fields(sale) -> dict:
    """The sales columns of `list` (null where unset; sums as strings)."""
    from .core.money import from_cents

    def iso(d):
        return d.isoformat() if d else None

    def amount(cents):
        return None if cents is None else str(from_cents(cents))

    if sale is None:
        return dict.fromkeys(
            (
                "stage",
                "sent_date",
                "sold_date",
                "delivered_date",
                "billed_date",
                "one_time_sum",
                "monthly_sum",
                "currency",
            )
        )
    return {
        "stage": sale.stage,
        "sent_date": iso(sale.sent_date),
        "sold_date": iso(sale.sold_date),
        "delivered_date": iso(sale.delivered_date),
        "billed_date": iso(sale.billed_date),
        "one_time_sum": amount(sale.one_time_cents),
        "monthly_sum": amount(sale.monthly_cents),
        "currency": sale.currency,
    }


def _iso_local(session, utc_naive) -> str | None:
    return session.clock.local_iso(utc_naive)


def _plain(text: str) -> str:
    """Titles may hold control bytes (pasted text); never send them to a terminal.

    They are shown as visible symbols (␛), like in the TUI.
    """
    return visible(text)


def _cmd_move(session, args) -> int:
    from .core.dates import describe_when, parse_when
    from .domain.records import move_record

    when = parse_when(" ".join(args.expr), session.clock.today())
    record = move_record(session, _id(args.id), when)
    print(f"#{record.id} moved to {describe_when(when, session.clock.today())}.")
    return 0


def _cmd_finish(session, args, finished: bool = True) -> int:
    from .domain.records import set_finished

    record = set_finished(session, _id(args.id), finished)
    state = "finished" if finished else "back on the list"
    print(f"#{record.id} {_plain(record.title)}: {state}.")
    return 0


def _cmd_unfinish(session, args) -> int:
    return _cmd_finish(session, args, finished=False)


def _cmd_focus(session, args) -> int:
    from .domain.tracker import focus

    running = focus(session, _id(args.id), _moment(session, args.at, "--at"))
    since = ""
    if args.at is not None:
        since = f" since {session.clock.to_local(running.started_at):%H:%M}"
    print(f"Focusing on #{running.record_id} {_plain(running.title)}{since}.")
    return 0


def _cmd_unfocus(session, args) -> int:
    from .core.text import format_duration
    from .domain.tracker import unfocus

    stopped = unfocus(session, _moment(session, args.at, "--at"))
    if stopped is None:
        print("Nothing is focused.")
        return 0
    print(
        f"Stopped #{stopped.record_id} {_plain(stopped.title)} "
        f"after {format_duration(stopped.seconds)}."
    )
    return 0


def _cmd_status(session, args) -> int:
    from .core.text import format_clock
    from .domain.tracker import current_focus

    running = current_focus(session)
    if running is None:
        print("Nothing is focused.")
        return 0
    from .domain.time_edits import suspect

    elapsed = format_clock(running.elapsed(session.clock.now_utc_naive()))
    print(f"#{running.record_id}\t{_plain(running.title)}\t{elapsed}")
    doubt = suspect(session, running.started_at)
    if doubt is not None:
        # On stderr: scripts read the line above; people see both.
        print(
            f"focus-tui: This focus is {doubt.text}: was it all work? "
            "`focus-tui unfocus --at WHEN` ends it when you stopped.",
            file=sys.stderr,
        )
    return 0


def _moment(session, text: str | None, what: str):
    """A moment typed for time worked: `parse_moment`, the local zone."""
    if text is None:
        return None
    from .core.dates import parse_moment

    return parse_moment(text, session.clock.today(), session.clock.zone, what=what)


def _cmd_time(session, args) -> int:
    from .core.text import format_duration
    from .domain import time_edits

    if args.action == "list":
        return _time_list(session, args)
    if args.action == "add":
        change = time_edits.add_entry(
            session,
            _id(args.id),
            _moment(session, args.start, "--from"),
            _moment(session, args.end, "--to"),
            trim=args.trim,
        )
        done = "Added"
    elif args.action == "edit":
        if args.start is None and args.end is None and args.record is None:
            raise UserError("Say what to change: --from, --to or --record.")
        change = time_edits.edit_entry(
            session,
            _id(args.entry),
            started_at=_moment(session, args.start, "--from"),
            ended_at=_moment(session, args.end, "--to"),
            record_id=_id(args.record) if args.record is not None else None,
            trim=args.trim,
        )
        done = "Changed"
    else:
        change = time_edits.delete_entry(session, _id(args.entry))
        done = "Deleted"
    span = time_edits.span_text(session, change.started_at, change.ended_at)
    length = ""
    if change.ended_at is not None:
        seconds = int((change.ended_at - change.started_at).total_seconds())
        length = f" ({format_duration(seconds)})"
    print(
        f"{done} entry {change.entry_id}: {span}{length} on #{change.record_id}. "
        f"Undo: focus-tui undo {change.record_id}"
    )
    for line in change.trimmed:
        print(f"  {line}")
    return 0


def _time_list(session, args) -> int:
    from .core.process import phase_label
    from .core.text import format_clock
    from .domain.access import teammate_by_name
    from .views.time_log import entry_rows

    start = _date(session, args.start, "--from")
    end = _date(session, args.end, "--to")
    if start and end and start > end:
        raise UserError("--from is after --to.")
    if args.id is None and start is None and end is None:
        # The days a forgotten entry is usually from.
        from datetime import timedelta

        start = session.clock.today() - timedelta(days=6)
    person = None
    if args.person:
        person = teammate_by_name(session, args.person).id
    elif args.id is None:
        person = session.user_id
    rows = entry_rows(
        session,
        record_id=_id(args.id) if args.id is not None else None,
        user_id=person,
        first_day=start,
        last_day=end,
    )
    now = session.clock.now_utc_naive()
    local = session.clock.local_iso
    out = [
        {
            "id": r.id,
            "start": local(r.started_at),
            "end": local(r.ended_at) if r.ended_at else None,
            "h:mm:ss" if args.format == "table" else "seconds": (
                format_clock(r.duration(now))
                if args.format == "table"
                else r.duration(now)
            ),
            "record": r.record_id,
            "title": r.title,
            "phase": r.phase,
            "user": r.user_name,
            "running": r.running,
        }
        for r in rows
    ]
    if args.format == "table":
        for row in out:
            row["start"] = row["start"].replace("T", " ")
            row["end"] = row["end"].replace("T", " ") if row["end"] else "running"
            row["record"] = f"#{row['record']}"
            row["phase"] = phase_label(row["phase"])
            del row["running"]
        headers = ("ID", "START", "END", "H:MM:SS", "RECORD", "TITLE", "PHASE", "USER")
        _print_rows(out, headers, "table", left=(5, 6, 7))
        return 0
    _print_rows(out, (), args.format)
    return 0


def _date(session, text: str | None, what: str = "--date"):
    """A day that was (a step's date, a report period): `parse_day`, the
    same reading as every dialog's date field."""
    if text is None:
        return None
    from .core.dates import parse_day

    return parse_day(text, session.clock.today(), what=what)


def _cmd_send(session, args) -> int:
    from .core.dates import parse_when
    from .domain.sales import send

    follow_up = parse_when(args.follow_up, session.clock.today())
    record = send(
        session,
        _id(args.id),
        sent_date=_date(session, args.date),
        follow_up=follow_up,
        finish_lead=not args.keep_lead_open,
    )
    print(f"#{record.id} sent; follow up {record.date or 'not set'}.")
    return 0


def _cmd_revise(session, args) -> int:
    from .core.dates import parse_when
    from .core.money import format_amount, from_cents
    from .domain.sales import revise

    terms = _terms(args)
    if terms is None:
        raise UserError("Give the new sums: --one-time and/or --monthly.")
    follow_up = (
        parse_when(args.follow_up, session.clock.today()) if args.follow_up else None
    )
    sale = revise(
        session,
        _id(args.id),
        terms,
        sent_date=_date(session, args.date),
        follow_up=follow_up,
    )
    print(
        f"#{sale.record_id} revision {sale.revision}: "
        f"{format_amount(from_cents(sale.one_time_cents), sale.currency) or '-'} + "
        f"{format_amount(from_cents(sale.monthly_cents), sale.currency) or '-'}/month."
    )
    return 0


def _cmd_lost(session, args) -> int:
    from .domain.sales import mark_lost

    record = mark_lost(session, _id(args.id), args.reason)
    print(f"#{record.id} lost.")
    return 0


def _cmd_sold(session, args) -> int:
    from .domain.sales import mark_sold

    if args.template is not None:
        from .domain import templates

        with session.transaction():
            templates.ensure_builtins(session)
            sold = templates.sold_from_template(
                session,
                _id(args.id),
                args.template,
                sold_date=_date(session, args.date),
            )
    else:
        sold = mark_sold(session, _id(args.id), sold_date=_date(session, args.date))
    if sold.became_relationship:
        extra = f"; #{sold.relationship.id} is now a Client Relationship"
    elif sold.relationship is not None:
        extra = f"; #{sold.relationship.id} stays the Client Relationship"
    else:
        extra = "; it has no Sales Lead, so no Client Relationship"
    if sold.tasks:
        extra += f"; {len(sold.tasks)} fulfilment tasks"
    print(f"#{sold.order.id} is an Order{extra}.")
    return 0


def _cmd_delivered(session, args) -> int:
    from .domain.sales import mark_delivered

    record = mark_delivered(
        session, _id(args.id), delivered_date=_date(session, args.date)
    )
    print(f"#{record.id} delivered.")
    return 0


def _cmd_billed(session, args) -> int:
    from .domain.sales import mark_billed

    record = mark_billed(
        session,
        _id(args.id),
        billed_date=_date(session, args.date),
        monthly=args.monthly,
    )
    state = "monthly billing set up" if args.monthly else "billed and finished"
    print(f"#{record.id} {state}.")
    return 0


def _cmd_undo(session, args) -> int:
    from .core.process import step_verb
    from .domain.undo import undo

    step = undo(session, _id(args.id))
    print(f"#{_id(args.id)}: undid {step_verb(step)}.")
    return 0


# The options each report reads; another one given is refused, not ignored
# (the pipeline is the deals as they stand now, in every cloud of yours).
_REPORT_OPTIONS = {
    "pipeline": (),
    "stats": ("start", "end", "cloud", "person"),
    "phases": ("start", "end", "cloud", "person", "by"),
    "time": ("start", "end", "cloud", "person", "by"),
}
_OPTION_NAMES = {"start": "--from", "end": "--to"}
# What --by means differs per report (the first: the default).
_REPORT_BY = {
    "pipeline": (),
    "stats": (),
    "phases": ("phase", "deal", "person", "cloud"),
    "time": ("day", "week"),
}


def _cmd_report(session, args) -> int:
    reads = _REPORT_OPTIONS[args.which]
    for dest in ("start", "end", "cloud", "person", "by"):
        if getattr(args, dest) is not None and dest not in reads:
            option = _OPTION_NAMES.get(dest, f"--{dest}")
            raise UserError(f"report {args.which} takes no {option}.")
    takes = _REPORT_BY[args.which]
    if args.by is not None and args.by not in takes:
        words = ", ".join(takes[:-1]) + " or " + takes[-1]
        raise UserError(f"report {args.which} takes --by {words}, not {args.by}.")
    if args.which == "time":
        _print_time(session, args)
        return 0
    if args.which == "phases":  # time only: no money, no exchange rates
        rows = _phase_rows(session, _filters(session, args), args.by or "phase")
        _print_phases(rows, args.format)
        return 0
    rates = config.rates()
    note = ""
    if args.which == "pipeline":
        stages = _pipeline_rows(session, rates)
        if args.format == "json":
            _print_rows(stages, (), "json")
        else:
            rows = _pipeline_table(stages, readable=args.format == "table")
            headers = ("STAGE", "CURRENCY", "COUNT", "ONE-TIME", "MONTHLY")
            note = _converted_note(rows)
            _print_rows(rows, headers, args.format, note)
    else:
        filters = _filters(session, args)
        rows = _stats_rows(session, filters, rates, readable=args.format == "table")
        headers = ("SECTION", "WHAT", "VALUE", "CURRENCY", "COUNT")
        note = _converted_note(rows)
        _print_rows(rows, headers, args.format, note)
    if rates.note:
        # Beside the figures in a table; on stderr where stdout is data.
        print(
            _plain(rates.note),
            file=sys.stdout if args.format == "table" else sys.stderr,
        )
    return 0


def _converted_note(rows: list[dict]) -> str:
    """The table's footnote when some rows are converted figures."""
    converted = next((r for r in rows if r.get("converted")), None)
    if converted is None:
        return ""
    return (
        f"{converted['currency']}: converted at the {converted['converted']} "
        "(settings.toml [rates]); an estimate, not a sum of the deals."
    )


def _print_rows(
    rows: list[dict],
    headers,
    fmt: str,
    note: str = "",
    left: int | Iterable[int] = 1,
    *,
    clean: bool = True,
) -> None:
    """Rows as json, csv or a table (its first `left` columns flush left, or
    the columns of those numbers).
    `clean=False`: the caller has cleaned every text value already (once per
    value, not once per cell)."""
    if fmt == "json":
        print(json_text(rows, indent=1))
        return
    if fmt == "csv":
        if rows:
            import csv

            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return
    if not rows:
        print("No data for this selection.")
        return
    # The table shows the first len(headers) fields (a footnote says the rest).
    cell = _cell if clean else _uncleaned_cell
    cells = [[cell(v) for v in list(r.values())[: len(headers)]] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    # A ljust/rjust per column, decided once, and one write: at 17k rows a
    # print per row and a test per cell were a third of the command.
    flush_left = set(range(left)) if isinstance(left, int) else set(left)
    justify = [str.ljust if i in flush_left else str.rjust for i in range(len(widths))]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    ]
    lines.extend(
        "  ".join(
            [j(v, w) for j, v, w in zip(justify, c, widths, strict=True)]
        ).rstrip()
        for c in cells
    )
    sys.stdout.write("\n".join(lines) + "\n")
    if note:
        print(note)


def _cell(value) -> str:
    """A table cell: only text can hold control bytes, so only text is
    cleaned (a deal's title, not its thousand numbers)."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return _plain(value)
    return str(value)


def _uncleaned_cell(value) -> str:
    return "-" if value is None else str(value)


def _filters(session, args):
    from .domain.access import cloud_by_name, teammate_by_name
    from .views.reports import Filters

    user_id = teammate_by_name(session, args.person).id if args.person else None
    start = _date(session, args.start, "--from")
    end = _date(session, args.end, "--to")
    if start and end and start > end:
        raise UserError("--from is after --to.")
    return Filters(
        start=start,
        end=end,
        cloud_id=cloud_by_name(session, args.cloud).id if args.cloud else None,
        user_id=user_id,
    )


def _cmd_export(session, args) -> int:
    from .domain.access import cloud_by_name
    from .export.xlsx import export_xlsx
    from .views.report_view import ViewSettings

    start = _date(session, args.start, "--from")
    end = _date(session, args.end, "--to")
    if start and end and start > end:
        raise UserError("--from is after --to.")
    settings = ViewSettings(
        types=tuple(args.types or ()),
        start=start,
        end=end,
        cloud_id=cloud_by_name(session, args.cloud).id if args.cloud else None,
        actor_id=session.user_id if args.mine else None,
        finished=True if args.finished else (False if args.open else None),
    )
    result = export_xlsx(session, args.out, settings, view=args.view)
    print(
        f"Wrote {result.rows} rows to {shown(str(result.path))} "
        f"in {result.seconds:.1f} s."
    )
    return 0


def _pipeline_rows(session, rates=None) -> list[dict]:
    """Per stage its count and one sum per currency (never one for all):

    {"stage": "draft", "count": 5, "sums": [{"currency": "EUR", "count": 4,
    "one_time_sum": "3501.50", "monthly_sum": "60.00"}, ...], "converted":
    null}. With `rates` (settings.toml) that cover every currency of the
    stage, "converted" is {"currency": "EUR", "one_time_sum": ...,
    "monthly_sum": ..., "rates_date": "2026-11-30" or null}.
    """
    from .core.money import from_cents
    from .core.process import STAGES
    from .views.board import column_totals

    totals = column_totals(session)
    rows = []
    for stage in STAGES:
        column = totals[stage]
        once = rates.convert(column.one_time) if rates else None
        month = rates.convert(column.monthly) if rates else None
        converted = None
        if once is not None and month is not None:
            converted = {
                "currency": once.currency,
                "one_time_sum": str(from_cents(once.cents)),
                "monthly_sum": str(from_cents(month.cents)),
                "rates_date": once.day.isoformat() if once.day else None,
            }
        rows.append(
            {
                "stage": stage,
                "count": column.count,
                "sums": [
                    {
                        "currency": item.currency,
                        "count": item.count,
                        "one_time_sum": str(from_cents(item.cents)),
                        "monthly_sum": str(
                            from_cents(column.monthly.cents_of(item.currency))
                        ),
                    }
                    for item in column.one_time
                ],
                "converted": converted,
            }
        )
    return rows


def _pipeline_table(stages: list[dict], readable: bool) -> list[dict]:
    """One row per stage and currency (a stage without cards: one row).

    A converted total follows as a row of its own, its currency written
    "≈ EUR" and `converted` saying which rates (empty on the other rows);
    only where the stage has other currencies than the default one.
    `readable` (the table): stage names and grouped amounts ("3 501.50"),
    no `converted` column (a footnote instead); else (csv) the keys and
    plain decimals of the JSON.
    """
    from datetime import date
    from decimal import Decimal

    from .core.money import converted_code, format_amount, rates_label
    from .core.process import STAGE_NAMES

    def amount(text: str) -> str:
        return format_amount(Decimal(text)) if readable else text

    rows = []
    for stage in stages:
        name = STAGE_NAMES[stage["stage"]] if readable else stage["stage"]
        for item in stage["sums"] or [None]:
            rows.append(
                {
                    "stage": name,
                    "currency": item["currency"] if item else None,
                    "count": item["count"] if item else 0,
                    "one_time_sum": amount(item["one_time_sum"]) if item else None,
                    "monthly_sum": amount(item["monthly_sum"]) if item else None,
                    "converted": None,
                }
            )
        converted = stage["converted"]
        codes = {item["currency"] for item in stage["sums"]}
        if converted and codes - {converted["currency"]}:
            day = converted["rates_date"]
            rows.append(
                {
                    "stage": name,
                    "currency": converted_code(converted["currency"]),
                    "count": stage["count"],
                    "one_time_sum": amount(converted["one_time_sum"]),
                    "monthly_sum": amount(converted["monthly_sum"]),
                    "converted": rates_label(date.fromisoformat(day) if day else None),
                }
            )
    return rows


def _phase_rows(session, filters, by: str) -> list[dict]:
    """Rows with whole seconds (exact) beside hours (rounded for display)."""
    from .core.text import hours_of
    from .views.reports import phase_totals

    shown_as: dict[str, str] = {}  # each deal's title cleaned once, not per phase
    return [
        {
            "group": (
                shown_as.setdefault(row.key, visible(row.key))
                if by != "phase"
                else "all"
            ),
            "phase": row.phase,
            "seconds": int(row.seconds),
            "hours": hours_of(int(row.seconds)),
            "entries": row.entries,
        }
        for row in phase_totals(session, filters, by=by)
    ]


def _print_phases(rows: list[dict], fmt: str) -> None:
    """report phases: every format carries exact seconds; the table and the
    JSON add a total, of the rows' seconds (so it equals their sum exactly),
    rounded only for display."""
    from .core.text import format_h_mm, hours_of

    seconds = sum(r["seconds"] for r in rows)
    total = {
        "seconds": seconds,
        "hours": hours_of(seconds),
        "entries": sum(r["entries"] for r in rows),
    }
    if fmt == "json":
        print(
            json_text(
                {
                    "rows": [{**r, "hours": float(r["hours"])} for r in rows],
                    "total": {**total, "hours": float(total["hours"])},
                },
                indent=1,
            )
        )
        return
    if fmt == "csv":
        _print_rows([{**r, "hours": f"{r['hours']:.2f}"} for r in rows], (), "csv")
        return
    from .core.process import phase_label

    table = [
        {
            "group": r["group"],
            "phase": phase_label(r["phase"]),
            "h:mm": format_h_mm(r["seconds"]),
            "hours": f"{r['hours']:.2f}",
            "entries": r["entries"],
        }
        for r in rows
    ]
    if table:
        table.append(
            {
                "group": "total",
                "phase": "",
                "h:mm": format_h_mm(seconds),
                "hours": f"{total['hours']:.2f}",
                "entries": total["entries"],
            }
        )
    _print_rows(
        table,
        ("GROUP", "PHASE", "H:MM", "HOURS", "ENTRIES"),
        "table",
        left=2,
        clean=False,
    )


def _print_time(session, args) -> None:
    """report time: a person's timesheet (yours unless --person), by local
    day or ISO week, deal and phase; the current week unless --from / --to.

    Like report phases, every format has whole seconds and the total is
    their sum, rounded once; the table adds a total per day (or week) that
    has more than one row. Entries: those with time in the row; the total
    counts an entry split at midnight once.
    """
    import itertools
    from dataclasses import replace
    from datetime import timedelta

    from .core.process import phase_label
    from .core.text import format_h_mm, hours_of
    from .views.reports import (
        NO_DEAL,
        WEEKDAYS,
        monday_of,
        timesheet,
        timesheet_weeks,
        week_label,
    )

    filters = _filters(session, args)
    if filters.start is None and filters.end is None:
        monday = monday_of(session.clock.today())
        filters = replace(filters, start=monday, end=monday + timedelta(days=6))
    if filters.user_id is None:
        filters = replace(filters, user_id=session.user_id)
    weekly = args.by == "week"
    sheet = (timesheet_weeks if weekly else timesheet)(session, filters)

    def when(day) -> dict:
        if weekly:
            return {"week": week_label(day), "monday": day.isoformat()}
        return {"day": day.isoformat()}

    rows = [
        {
            **when(r.day),
            "deal_id": r.deal_id,
            "deal": r.deal if r.deal_id is not None else None,
            "phase": r.phase,
            "seconds": r.seconds,
            "hours": hours_of(r.seconds),
            "entries": r.entries,
        }
        for r in sheet.rows
    ]
    total = {
        "seconds": sheet.seconds,
        "hours": hours_of(sheet.seconds),
        "entries": sheet.entries,
    }
    if args.format == "json":
        start, end = filters.start, filters.end
        print(
            json_text(
                {
                    "period": {
                        "from": start.isoformat() if start else None,
                        "to": end.isoformat() if end else None,
                    },
                    "rows": [{**r, "hours": float(r["hours"])} for r in rows],
                    "total": {**total, "hours": float(total["hours"])},
                },
                indent=1,
            )
        )
        return
    if args.format == "csv":
        _print_rows([{**r, "hours": f"{r['hours']:.2f}"} for r in rows], (), "csv")
        return

    def line(label: str, deal: str, phase: str, seconds: int, entries: int) -> dict:
        return {
            "when": label,
            "deal": deal,
            "phase": phase_label(phase),
            "h:mm": format_h_mm(seconds),
            "hours": f"{hours_of(seconds):.2f}",
            "entries": entries,
        }

    table: list[dict] = []
    for day, group in itertools.groupby(sheet.rows, key=lambda r: r.day):
        group = list(group)
        label = (
            f"{week_label(day)} {day.isoformat()}"
            if weekly
            else f"{WEEKDAYS[day.weekday()]} {day.isoformat()}"
        )
        for i, r in enumerate(group):
            deal = r.deal if r.deal_id is not None else NO_DEAL
            if len(deal) > 32:  # the whole title is in csv and json
                deal = deal[:31].rstrip() + "…"
            table.append(line("" if i else label, deal, r.phase, r.seconds, r.entries))
        if len(group) > 1:
            table.append(
                line(
                    "",
                    "week total" if weekly else "day total",
                    "",
                    sum(r.seconds for r in group),
                    sum(r.entries for r in group),
                )
            )
    if table:
        table.append(line("total", "", "", sheet.seconds, sheet.entries))
    headers = ("WEEK" if weekly else "DAY", "DEAL", "PHASE", "H:MM", "HOURS", "ENTRIES")
    _print_rows(table, headers, "table", left=3)


def _stats_rows(session, filters, rates=None, readable: bool = False) -> list[dict]:
    """The statistics as rows {section, what, value, currency, count, converted}.

    Offers and orders have a row per month and currency (a month without
    any: one row, count 0): a value is never two currencies added up. With
    `rates` covering a month's currencies (not all the default one), a row
    "≈ EUR" follows with the converted value and `converted` naming the
    rates (None on every other row). `readable` (the table) groups the
    amounts' digits ("4 100 000").
    """
    from .core.money import format_amount, from_cents
    from .views.reports import conversion, lost_reasons, monthly, span_label, spans

    def amount(cents: int) -> str:
        value = from_cents(cents)
        return format_amount(value) if readable else str(value)

    rows = []
    for m in monthly(session, filters):
        month = m.month.strftime("%Y-%m")
        for section, value in (("offers", m.offers_value), ("orders", m.orders_value)):
            for item in value:
                rows.append(
                    _stat(section, month, item.count, amount(item.cents), item.currency)
                )
            if not value:
                rows.append(_stat(section, month, 0, None))
            converted = rates.worth_showing(value) if rates else None
            if converted is not None:
                row = _stat(
                    section, month, value.count, amount(converted.cents), converted.code
                )
                rows.append({**row, "converted": converted.rates_label})
        rate = None if m.conversion is None else f"{100 * m.conversion:.1f} %"
        rows.append(_stat("conversion", month, m.offers, rate))
    won, sent = conversion(session, filters)
    rate = f"{100 * won / sent:.1f} %" if sent else None
    rows.append(_stat("conversion", "orders / sent proposals", sent, rate))
    for span in spans(session, filters):
        mean = None if span.mean_days is None else f"{span.mean_days:.1f}"
        median = None if span.median_days is None else f"{span.median_days:.1f}"
        rows.append(_stat("days", span_label(span.key) + " (mean)", span.count, mean))
        rows.append(
            _stat("days", span_label(span.key) + " (median)", span.count, median)
        )
    for reason, count in lost_reasons(session, filters):
        rows.append(_stat("lost", reason, count, None))
    return rows


def _stat(section: str, what: str, count, value, currency: str | None = None) -> dict:
    return {
        "section": section,
        "what": what,
        "value": value,
        "currency": currency,
        "count": count,
        "converted": None,
    }


def _id(text: str) -> int:
    from .domain.access import parse_id

    return parse_id(text)


def _cmd_check(args) -> int:
    from .domain.maintenance import check_database

    target = _target(args)
    progress = sys.stderr.isatty()
    dots = 0

    def tick() -> None:
        nonlocal dots
        dots += 1
        print(
            f"\rChecking {shown(target)} {'.' * (dots % 40):<40}",
            end="",
            file=sys.stderr,
        )

    result = check_database(target, tick if progress else None)
    if progress:
        print("\r\x1b[K", end="", file=sys.stderr)
    for warning in result.warnings:
        print(f"focus-tui: warning: {warning}", file=sys.stderr)
    if result.sound:
        print(f"{shown(str(result.path))}: sound ({result.pages:,} pages checked).")
        return 0
    print(f"{shown(str(result.path))}: DAMAGED. Restore it from a backup.")
    for problem in result.problems:
        print(f"  {shown(problem)}")
    return EXIT_DATABASE


def _cmd_backup(args) -> int:
    from .domain.maintenance import backup_database

    out = backup_database(_target(args), args.path)
    print(f"Backed up to {shown(str(out))}.")
    return 0


def _cmd_feed(session, args) -> int:
    from .core.process import parse_type, type_of
    from .domain.access import cloud_by_name, teammate_by_name
    from .views.feed import CloudFeedSettings, cloud_feed

    cloud = cloud_by_name(session, args.name)
    actor = None
    if args.actor is not None:
        me = args.actor.strip().lower() == "me"
        actor = session.user_id if me else teammate_by_name(session, args.actor).id
    settings = CloudFeedSettings(
        types=tuple(parse_type(t).key for t in args.types or ()),
        actor_id=actor,
        finished=True if args.finished else (False if args.open else None),
    )
    rows = [
        {
            "id": row.id,
            "type": type_of(row.type).name,
            "title": row.title,
            "created_at": _iso_local(session, row.created_at),
            "finished": row.finished,
        }
        for row in cloud_feed(session, cloud.id, settings, 0, args.limit)
    ]
    _print_rows(rows, ("ID", "TYPE", "TITLE", "CREATED", "DONE"), args.format)
    return 0


def _cmd_who(session, args) -> int:
    from .core.text import format_clock
    from .domain.tracker import team_focus

    now = session.clock.now_utc_naive()
    rows = [
        {
            "user": f.user_name,
            "name": f.display_name,
            "record_id": f.record_id,
            "type": f.record_type,
            "title": f.title,
            "since": _iso_local(session, f.started_at),
            "seconds": int(f.elapsed(now)),
        }
        for f in team_focus(session)
    ]
    if args.format == "table":
        if not rows:
            print("Nobody in your clouds is focused.")
            return 0
        table = [
            {
                "who": r["name"],
                "record": f"#{r['record_id']} {r['title']}",
                "for": format_clock(r["seconds"]),
            }
            for r in rows
        ]
        _print_rows(table, ("WHO", "ON", "FOR"), "table")
        return 0
    _print_rows(rows, (), args.format)
    return 0


def _cmd_show(session, args) -> int:
    from .views.feed import record_details

    details = record_details(session, _id(args.id))
    if args.format == "json":
        print(json_text(details, indent=1))
        return 0
    for line in _detail_lines(details):
        print(_plain(line))
    return 0


def _detail_lines(details: dict) -> Iterator[str]:
    yield f"#{details['id']} {details['type_name']}: {details['title']}"
    from .core.text import format_duration

    shown = dict(details)
    shown["parent"] = f"#{details['parent']}" if details["parent"] else None
    shown["focused"] = (
        format_duration(details["focused"]) if details["focused"] else None
    )
    for key in ("cloud", "parent", "date", "finished_at", "stage", "focused"):
        value = shown.get(key)
        if value not in (None, "", [], {}):
            yield f"  {key.replace('_', ' ')}: {value}"
    for key in ("actors", "focused_now", "participants"):
        if details.get(key):
            yield f"  {key.replace('_', ' ')}: {', '.join(details[key])}"
    sale = details.get("sale")
    if sale:
        yield f"  sums: {sale['sums']}"
    contact = details.get("contact")
    if contact:
        yield "  contact: " + ", ".join(v for v in contact.values() if v)
    if details.get("body"):
        yield ""
        yield from ("  " + line for line in details["body"].splitlines())
    if details["children"]:
        yield ""
        yield f"Children ({len(details['children'])}):"
        for child in details["children"]:
            done = " (done)" if child["finished"] else ""
            yield f"  #{child['id']} {child['type_name']}: {child['title']}{done}"
    if details["history"]:
        yield ""
        yield "History:"
        for event in details["history"]:
            who = f" — {event['user']}" if event["user"] else ""
            yield f"  {event['at']}  {event['text']}{who}"


def _cmd_cloud(session, args) -> int:
    from .domain import clouds

    action = args.action
    if action == "list":
        rows = [
            {
                "name": c.name,
                "kind": c.kind,
                "role": c.role,
                "members": c.members,
                "archived": c.archived,
            }
            for c in clouds.list_clouds(session, archived=args.archived)
        ]
        if args.format == "table":
            for row in rows:
                row["archived"] = "archived" if row["archived"] else ""
        _print_rows(rows, ("CLOUD", "KIND", "ROLE", "MEMBERS", ""), args.format)
    elif action == "members":
        rows = [
            {"user": m.name, "name": m.display_name, "role": m.role}
            for m in clouds.cloud_members(session, args.name)
        ]
        _print_rows(rows, ("USER", "NAME", "ROLE"), args.format)
    elif action == "create":
        cloud = clouds.create_cloud(session, args.name)
        print(f"Created the cloud {_plain(cloud.name)}; you are its owner.")
    elif action == "rename":
        cloud = clouds.rename_cloud(session, args.name, args.new_name)
        print(f"Renamed to {_plain(cloud.name)}.")
    elif action == "archive":
        cloud = clouds.archive_cloud(session, args.name)
        print(f"Archived {_plain(cloud.name)}: hidden, nothing deleted.")
    elif action == "unarchive":
        cloud = clouds.unarchive_cloud(session, args.name)
        print(f"{_plain(cloud.name)} is back.")
    elif action == "add":
        member = clouds.add_member(session, args.name, args.member, owner=args.owner)
        role = "an owner" if args.owner else "a member"
        print(f"{_plain(member.name)} is {role} of {_plain(args.name)}.")
    elif action == "remove":
        clouds.remove_member(session, args.name, args.member)
        print(f"{_plain(args.member)} is no longer in {_plain(args.name)}.")
    return 0


def _cmd_user(session, args) -> int:
    from .domain.logins import add_login, require_server

    require_server(session)  # before waiting for a password
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise UserError("No password on standard input.")
    name = add_login(session, args.member, password)
    print(
        f"{_plain(name)} can log in and use this database; add them to a "
        "cloud with focus-tui cloud add."
    )
    return 0


def _cmd_move_to_cloud(session, args) -> int:
    from .domain.clouds import move_to_cloud

    ids = move_to_cloud(session, _id(args.id), args.name)
    others = f" and {len(ids) - 1} below it" if len(ids) > 1 else ""
    print(f"Moved #{ids[0]}{others} to {_plain(args.name)}.")
    return 0


def _cmd_actor(session, args) -> int:
    from .domain.clouds import add_actor, remove_actor

    if args.action == "add":
        add_actor(session, _id(args.id), args.member)
        print(f"{_plain(args.member)} is an actor of #{_id(args.id)}.")
    else:
        remove_actor(session, _id(args.id), args.member)
        print(f"{_plain(args.member)} is no longer an actor of #{_id(args.id)}.")
    return 0


def _cmd_import_time(session, args) -> int:
    from .core.text import format_clock, hours_of
    from .domain.time_import import import_time
    from .importing.time_history import MAX_BYTES, parse_history, read_history

    if args.file == "-":  # `timew export | focus-tui import-time timewarrior -`
        stream = getattr(sys.stdin, "buffer", None)
        if stream is not None:
            data = stream.read(MAX_BYTES + 1)
        else:  # a text stream: its text as the bytes it was
            data = sys.stdin.read().encode("utf-8", "surrogatepass")
        history = parse_history(args.tool, data, "standard input")
    else:
        history = read_history(args.tool, args.file)
    done = import_time(session, history, cloud=args.cloud)
    first, last = (session.clock.local_iso(t) for t in (done.first, done.last))
    if args.format == "json":
        print(
            json_text(
                {
                    "tool": args.tool,
                    "file": history.name,
                    "cloud": done.cloud,
                    "intervals": done.intervals,
                    "added": done.added,
                    "already_there": done.already_there,
                    "running": done.running,
                    "deals": {
                        "count": done.deals,
                        "found": done.deals_found,
                        "created": done.deals_created,
                    },
                    "total": {
                        "seconds": done.seconds,
                        "hours": float(hours_of(done.seconds)),
                        "clock": format_clock(done.seconds),
                    },
                    "added_seconds": done.seconds_added,
                    "span": {"first": first, "last": last},
                },
                indent=1,
            )
        )
        return 0
    where = f" in {_plain(done.cloud)}" if done.cloud else ""
    lines = [
        f"{done.tool}, {shown(history.name)}: {done.intervals} "
        + ("interval" if done.intervals == 1 else "intervals"),
        ("entries added", f"{done.added} ({format_clock(done.seconds_added)})"),
        ("already there (skipped)", done.already_there),
        ("still running (skipped)", done.running),
        (
            "deals",
            f"{done.deals}{where}: {done.deals_found} found, "
            f"{done.deals_created} created",
        ),
        (
            "total",
            f"{format_clock(done.seconds)} = {done.seconds} s "
            f"({hours_of(done.seconds)} h) of the finished intervals",
        ),
        ("span", f"{first} .. {last}".replace("T", " ") if first else "-"),
    ]
    print(
        "\n".join(
            line if isinstance(line, str) else f"  {line[0]:<25}{line[1]}"
            for line in lines
        )
    )
    if done.added == 0 and done.already_there:
        print("Nothing new: every finished interval was imported before.")
    return 0


def _cmd_attach(session, args) -> int:
    from .domain.attachments import attach
    from .importing.files import local_file

    record_id = _id(args.id)
    sources = [local_file(path) for path in args.paths]  # all checked first
    for info in attach(session, record_id, sources):
        print(f"{info.id}\t{_plain(info.name)} ({info.size_text})")
    return 0


def _cmd_files(session, args) -> int:
    from .domain.attachments import files

    rows = [
        {
            "id": f.id,
            "name": f.name,
            "type": f.media_type,
            "size": f.size,
            "sha256": f.sha256,
            "added_by": f.added_by,
            "added_at": _iso_local(session, f.added_at),
            "width": f.width,
            "height": f.height,
        }
        for f in files(session, _id(args.id))
    ]
    if args.format == "table":
        if not rows:
            print(f"#{_id(args.id)} has no files.")
            return 0
        table = [
            {
                "id": r["id"],
                "name": r["name"],
                "type": r["type"],
                "size": format_size(r["size"])
                + (f", {r['width']}×{r['height']}" if r["width"] else ""),
                "added": f"{r['added_at'][:16].replace('T', ' ')} {r['added_by']}",
            }
            for r in rows
        ]
        _print_rows(
            table, ("ID", "NAME", "TYPE", "SIZE", "ADDED"), "table", left=(0, 1, 2, 4)
        )
        return 0
    _print_rows(rows, (), args.format)
    return 0


def _cmd_file(session, args) -> int:
    from .domain.attachments import delete_file, save_file

    if args.action == "get":
        path = save_file(session, args.attachment, args.out, force=args.force)
        print(f"Saved {_plain(str(path))}")
        return 0
    info = delete_file(session, args.attachment)
    print(f"Removed {_plain(info.name)} from #{info.record_id}.")
    return 0


def _cmd_import(session, args) -> int:
    from .domain.attachments import attach, check_size
    from .domain.mail_import import MailImportSummary, import_mail, import_target
    from .importing.files import local_file
    from .importing.mail import MailReader, is_mail

    target, _ = import_target(session, args.to)  # wrong: before reading a byte
    # E-mail becomes notes; any other file (a picture, a PDF) is attached
    # to the target as it is. Every path is checked before anything is
    # written.
    mail = [path for path in args.paths if is_mail(path)]
    files = [local_file(path) for path in args.paths if path not in mail]
    for source in files:
        check_size(source)
    done = MailImportSummary(target_id=target.id)
    if mail:
        reader = MailReader(mail)
        tick = _import_progress(reader) if sys.stderr.isatty() else None
        try:
            done = import_mail(session, reader, args.to, progress=tick)
        finally:
            if tick is not None:
                print("\r\x1b[K", end="", file=sys.stderr)
    attached = attach(session, target.id, files) if files else []
    if args.format == "json":
        print(
            json_text(
                {
                    "target": done.target_id,
                    "imported": done.imported,
                    "already_there": done.already_there,
                    "skipped": done.skipped,
                    "failed": done.failed,
                    "people": {
                        "found": done.people_found,
                        "created": done.people_created,
                    },
                    "messages": [
                        {
                            "source": o.source,
                            "outcome": o.outcome,
                            "reason": o.reason,
                            "note": o.note_id,
                            "under": o.target_id,
                            "title": o.title,
                            "files": [
                                {"name": name, "size": size} for name, size in o.files
                            ],
                        }
                        for o in done.outcomes
                    ],
                    "attached": [
                        {
                            "id": f.id,
                            "name": f.name,
                            "type": f.media_type,
                            "size": f.size,
                            "sha256": f.sha256,
                        }
                        for f in attached
                    ],
                },
                indent=1,
            )
        )
        return 0
    for line in _import_lines(done, attached, mail=bool(mail)):
        print(_plain(line))
    return 0


def _import_progress(reader):
    import time

    shown_at = 0.0

    def tick(summary) -> None:
        nonlocal shown_at
        now = time.monotonic()
        if now - shown_at < 0.1:  # a terminal redrawn 10 times a second
            return
        shown_at = now
        mb, total = reader.bytes_read / 2**20, reader.bytes_total / 2**20
        print(
            f"\rImporting: {len(summary.outcomes)} messages, "
            f"{mb:.0f} of {total:.0f} MB read ({summary.imported} imported)",
            end="",
            file=sys.stderr,
            flush=True,
        )

    return tick


# Lines per outcome in the table summary; --format json lists every message.
_IMPORT_LISTED = 20


def _import_lines(done, attached=(), *, mail: bool = True) -> Iterator[str]:
    from .domain.mail_import import ALREADY_THERE, FAILED, IMPORTED, SKIPPED

    total = len(done.outcomes)
    counted = []
    if mail:
        counted.append(f"{total} " + ("message" if total == 1 else "messages"))
    if attached:
        counted.append(
            f"{len(attached)} " + ("file" if len(attached) == 1 else "files")
        )
    yield " and ".join(counted) + f" for #{done.target_id}:"
    if mail:
        yield f"  {'imported':<16}{done.imported}"
        yield f"  {'already there':<16}{done.already_there}"
        yield f"  {'skipped':<16}{done.skipped}"
        yield f"  {'failed':<16}{done.failed}"
        yield (
            f"  {'people':<16}{done.people_found} found, {done.people_created} created"
        )
    if attached:
        yield f"  {'attached':<16}{len(attached)}"
    for outcome in (IMPORTED, ALREADY_THERE, SKIPPED, FAILED):
        rows = [o for o in done.outcomes if o.outcome == outcome]
        if not rows:
            continue
        yield f"{outcome.capitalize()}:"
        for o in rows[:_IMPORT_LISTED]:
            if outcome == IMPORTED:
                files = ", ".join(f"{n} ({format_size(s)})" for n, s in o.files)
                yield f"  #{o.note_id} {o.title} (under #{o.target_id})"
                yield f"      files: {files}"
                if o.reason:
                    yield f"      note: {o.reason}"
            elif outcome == ALREADY_THERE:
                yield f"  {o.source}: #{o.note_id} {o.title} has it"
            else:
                yield f"  {o.source}: {o.reason}"
        if len(rows) > _IMPORT_LISTED:
            yield f"  … and {len(rows) - _IMPORT_LISTED} more (--format json lists all)"
    if attached:
        yield "Attached:"
        for info in attached[:_IMPORT_LISTED]:
            yield f"  {info.id}  {info.name} ({info.size_text})"
        if len(attached) > _IMPORT_LISTED:
            more = len(attached) - _IMPORT_LISTED
            yield f"  … and {more} more (focus-tui files {done.target_id} lists all)"
    if total and done.imported == 0 and done.already_there == total:
        yield "Nothing new: every message was imported before."


_FILE_COMMANDS = {"check": _cmd_check, "backup": _cmd_backup}
# Commands that only read: a user name they do not know is not created.
_READS = {"list", "status", "report", "export", "show", "who", "feed", "files"}
_READS |= {"search", "people"}
_READ_ACTIONS = {
    ("cloud", "list"),
    ("cloud", "members"),
    ("time", "list"),
    ("file", "get"),
}

_COMMANDS = {
    "add": _cmd_add,
    "edit": _cmd_edit,
    "list": _cmd_list,
    "move": _cmd_move,
    "finish": _cmd_finish,
    "unfinish": _cmd_unfinish,
    "focus": _cmd_focus,
    "time": _cmd_time,
    "send": _cmd_send,
    "revise": _cmd_revise,
    "lost": _cmd_lost,
    "sold": _cmd_sold,
    "delivered": _cmd_delivered,
    "billed": _cmd_billed,
    "undo": _cmd_undo,
    "report": _cmd_report,
    "export": _cmd_export,
    "unfocus": _cmd_unfocus,
    "status": _cmd_status,
    "show": _cmd_show,
    "who": _cmd_who,
    "search": _cmd_search,
    "people": _cmd_people,
    "feed": _cmd_feed,
    "cloud": _cmd_cloud,
    "move-to-cloud": _cmd_move_to_cloud,
    "user": _cmd_user,
    "actor": _cmd_actor,
    "import-time": _cmd_import_time,
    "import": _cmd_import,
    "attach": _cmd_attach,
    "files": _cmd_files,
    "file": _cmd_file,
    "templates": _cmd_templates,
    "template": _cmd_template,
}


if __name__ == "__main__":
    sys.exit(run())
