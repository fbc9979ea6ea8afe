"""Focus TUI: the sales process and time tracker for the terminal."""

import sys


class _PeeweeWithoutDriver:
    """Import Peewee without the PostgreSQL driver.

    Peewee imports psycopg when it is itself imported, whether or not a
    PostgreSQL database is ever opened: with the `postgres` extra installed
    that was most of the start-up beyond Textual's (a bare `import peewee`
    0.4 s, with psycopg 1.1 s on a busy machine; see BENCHMARKS.md). This
    finder, asked once for "peewee", lets it import with psycopg hidden;
    `models.db.make_database` hands Peewee the driver when a postgresql://
    URL is opened. A psycopg already imported is left in sight.
    """

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "peewee":
            return None
        sys.meta_path.remove(cls)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or "psycopg" in sys.modules:
            return spec
        run = spec.loader.exec_module

        def exec_module(module) -> None:
            sys.modules["psycopg"] = None  # `import psycopg` raises ImportError
            try:
                run(module)
            finally:
                del sys.modules["psycopg"]

        spec.loader.exec_module = exec_module
        return spec


if "peewee" not in sys.modules:
    sys.meta_path.insert(0, _PeeweeWithoutDriver)
