"""A command-line import gets the file while the app is never idle (the load test's import halfway).

The app lets go of the database when no run holds it and a writer waits. Under steady load some
run always held it, and new runs went on joining them, so an import waited until it gave up.
"""

from __future__ import annotations

import threading
import time

from kompetanse.storage import store

WAIT = 0.5


def test_a_new_run_waits_while_an_import_waits_even_when_another_run_holds_the_file(tmp_path):
    from ui import data

    db = tmp_path / "k.duckdb"
    store.connect(db).close()
    shared = data.SharedConnection(str(db))
    shared.acquire()  # a run going on in another session
    flag = store.writer_waiting_flag(db)
    flag.touch()  # an import is waiting for the file
    got_it = threading.Event()

    def new_run() -> None:
        shared.acquire()
        got_it.set()
        shared.release()

    thread = threading.Thread(target=new_run)
    thread.start()
    try:
        assert not got_it.wait(WAIT), "a new run joined while the import waited"
        nested = shared.acquire()  # the run going on still reads what it needs, at once
        assert store.fetch_value(nested, "select 1") == 1
        shared.release()
    finally:
        flag.unlink()  # the import got the file and is done
        shared.release()
        thread.join(timeout=10)
        shared.close()
    assert got_it.is_set()


def test_a_run_is_not_held_up_when_no_import_waits(tmp_path):
    from ui import data

    db = tmp_path / "k.duckdb"
    store.connect(db).close()
    shared = data.SharedConnection(str(db))
    started = time.monotonic()
    con = shared.acquire()
    try:
        assert store.fetch_value(con, "select 41 + 1") == 42
    finally:
        shared.release()
        shared.close()
    assert time.monotonic() - started < 5
