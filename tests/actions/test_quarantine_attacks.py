"""The quarantine attacked the way issue 9 did: a root-run release tricked into creating what the
owner could not (set-uid as root, through a swapped-in symlink, over an existing file), a start-up
check racing a hold, a lost or wrong key, and index rows edited with sqlite3."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlp.actions.quarantine import QuarantineError, QuarantineStore
from dlp.actions.repair import check_store
from dlp.model import Item
from dlp.pipeline import scan_item
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # racing processes and dlp as a subprocess

USER = 4242  # an ordinary user (needs no /etc/passwd line)
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="the attack is on a release run as root")


@pytest.fixture()
def store(tmp_path: Path) -> QuarantineStore:
    return QuarantineStore(tmp_path / "q", os.urandom(32))


@pytest.fixture()
def shared() -> Iterator[Path]:
    """A folder every user can traverse (pytest's own temp folder is root-only), like /home or /srv."""
    path = Path(tempfile.mkdtemp(prefix="dlp-q-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _user_file(folder: Path, name: str, uid: int = USER, mode: int = 0o644) -> Path:
    """A file (and its folders below ``folder``) owned by ``uid``, with card numbers in it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes((FIXTURES / "card_memo.txt").read_bytes())
    os.chown(path, uid, uid)
    os.chmod(path, mode)  # after chown, which clears set-uid bits
    return path


def _hold(store: QuarantineStore, path: Path, settings) -> str:
    entry = store.put_file(path, scan_item(Item.from_path(path), settings), channel="watch")
    path.unlink()
    return entry.id


# --- 11: a root-run release gives back what the owner had, never more ---------------------------


@as_root
def test_root_release_restores_owner_and_never_setuid(shared: Path, store: QuarantineStore, settings) -> None:
    home = shared / "home"
    home.mkdir()
    os.chown(home, USER, USER)
    tool = _user_file(home, "tool", mode=0o6755)
    assert stat.S_IMODE(tool.stat().st_mode) == 0o6755 and tool.stat().st_uid == USER
    original = tool.read_bytes()
    entry_id = _hold(store, tool, settings)
    store.release(entry_id, actor="root-officer")
    info = tool.lstat()
    assert tool.read_bytes() == original
    assert (info.st_uid, info.st_gid) == (USER, USER), "restored as root, not as its owner"
    assert stat.S_IMODE(info.st_mode) == 0o755, "set-uid/set-gid must never come back"


@as_root
def test_root_release_writes_only_where_the_owner_could(shared: Path, store: QuarantineStore, settings) -> None:
    home = shared / "home"
    home.mkdir()
    os.chown(home, USER, USER)
    note = _user_file(home, "note.txt")
    entry_id = _hold(store, note, settings)
    system = shared / "etc"
    system.mkdir(mode=0o755)  # root's folder: the owner cannot create files here
    with pytest.raises(QuarantineError, match=r"(?i)permission"):
        store.release(entry_id, actor="root-officer", to=system / "note.txt")
    assert list(system.iterdir()) == []
    assert store.get(entry_id).state == "held"
    store.release(entry_id, actor="root-officer")
    assert note.stat().st_uid == USER


# --- 12: no symlinked path component, no symlink or file at the final name ------------------------


@as_root
@pytest.mark.parametrize("uid", [USER, 0])
def test_release_refuses_a_folder_swapped_for_a_symlink(shared: Path, store: QuarantineStore, settings, uid) -> None:
    user = shared / "user"
    user.mkdir()
    os.chown(user, uid, uid)
    folder = user / "dir"
    folder.mkdir()
    os.chown(folder, uid, uid)
    keys = _user_file(folder, "authorized_keys", uid=uid, mode=0o600)
    entry_id = _hold(store, keys, settings)
    secret = shared / "root-only"
    secret.mkdir(mode=0o700)
    folder.rmdir()
    folder.symlink_to(secret)  # swapped in after the hold
    with pytest.raises(QuarantineError, match="symbolic link"):
        store.release(entry_id, actor="root-officer")
    assert list(secret.iterdir()) == [], "release wrote through the symlink"
    assert store.get(entry_id).state == "held"
    folder.unlink()
    folder.mkdir()
    os.chown(folder, uid, uid)
    store.release(entry_id, actor="root-officer")
    assert keys.read_bytes() == (FIXTURES / "card_memo.txt").read_bytes()


@as_root
def test_release_never_writes_through_or_over_the_final_name(shared: Path, store: QuarantineStore, settings) -> None:
    folder = shared / "user"
    folder.mkdir()
    os.chown(folder, USER, USER)
    keys = _user_file(folder, "authorized_keys")
    entry_id = _hold(store, keys, settings)
    secret = shared / "root-only"
    secret.mkdir(mode=0o700)
    keys.symlink_to(secret / "authorized_keys")  # dangling: "exists" says no
    with pytest.raises(QuarantineError, match="exists"):
        store.release(entry_id, actor="root-officer")
    assert list(secret.iterdir()) == []
    keys.unlink()
    keys.write_text("the user's own new file\n")
    with pytest.raises(QuarantineError, match="exists"):
        store.release(entry_id, actor="root-officer")
    assert keys.read_text() == "the user's own new file\n"
    assert store.get(entry_id).state == "held"


def test_release_to_a_path_through_a_symlink_is_refused(tmp_path: Path, store: QuarantineStore, settings) -> None:
    source = tmp_path / "export" / "card_memo.txt"
    source.parent.mkdir()
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    entry_id = _hold(store, source, settings)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(QuarantineError, match="symbolic link"):
        store.release(entry_id, actor="officer", to=tmp_path / "link" / "copy.txt")
    assert list((tmp_path / "elsewhere").iterdir()) == []
    store.release(entry_id, actor="officer", to=tmp_path / "restored" / "sub" / "copy.txt")
    assert (tmp_path / "restored" / "sub" / "copy.txt").read_bytes() == (FIXTURES / "card_memo.txt").read_bytes()


# --- 13: the start-up check never races a hold ----------------------------------------------------


def test_check_running_beside_holds_loses_nothing(tmp_path: Path) -> None:
    """One process holds files in a loop while another runs the start-up check again and again
    (as each daemon does when it starts on the shared store): every acknowledged hold stays."""
    key = os.urandom(32)
    directory, work, stop = tmp_path / "q", tmp_path / "work", tmp_path / "stop"
    work.mkdir()
    QuarantineStore(directory, key)
    run = [sys.executable, "-m", "tests.actions.store_racer"]
    checkers = [
        subprocess.Popen(
            [*run, "check", str(directory), key.hex(), str(stop)], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    holder = subprocess.run(
        [*run, "hold", str(directory), key.hex(), "400", str(work)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    stop.touch()
    rounds = [int(c.communicate(timeout=60)[0].split()[-1]) for c in checkers]
    assert holder.returncode == 0, holder.stderr
    lines = holder.stdout.splitlines()
    assert not [line for line in lines if line.startswith("ERR")], "a check made a hold fail"
    acknowledged = dict(line.split()[1:] for line in lines if line.startswith("PUT"))
    assert len(acknowledged) == 400 and min(rounds) > 10, rounds
    store = QuarantineStore(directory, key)
    report = store.check(repair=True)
    assert report.lost == [] and report.removed_strays == [], report
    for entry_id, digest in acknowledged.items():
        assert store.get(entry_id).state == "held"
        assert hashlib.sha256(store.content(entry_id)).hexdigest() == digest


def test_an_abandoned_hold_is_cleaned_only_once_its_writer_is_gone(tmp_path: Path) -> None:
    """A write-ahead intent names its process's writer lock: the temp file and object of a hold
    stay while that process runs (however long), and go once it is dead."""
    key = os.urandom(32)
    store = QuarantineStore(tmp_path / "q", key)
    code = (
        "import sys, time; from pathlib import Path; from dlp.actions.quarantine import QuarantineStore;"
        "s = QuarantineStore(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])); s._intend('Q-in-flight');"
        "(s.tmp / 'Q-in-flight.part').write_bytes(b'half'); (s.objects / 'Q-in-flight.bin').write_bytes(b'x');"
        "print('ready', flush=True); time.sleep(120)"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(store.directory), key.hex()], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        report = store.check(repair=True)
        assert report.removed_temp == [] and report.removed_strays == [] and report.in_progress
        assert (store.tmp / "Q-in-flight.part").exists() and (store.objects / "Q-in-flight.bin").exists()
    finally:
        writer.kill()
        writer.wait()
    report = store.check(repair=True)
    assert report.removed_temp == ["Q-in-flight.part"] and report.removed_strays == ["Q-in-flight"]
    assert store.check().clean and list(store.writers.glob("*.lock")) == []


# --- 17: a missing or wrong key never silently replaced; a failed release rolls back -------------


def _cli(tmp_path: Path, config_file: Path, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT), "DLP_CONFIG": str(config_file)}
    env.pop("DLP_QUARANTINE_KEY", None)
    if key is not None:
        env["DLP_QUARANTINE_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "dlp", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )


def _cli_hold(tmp_path: Path, config_file: Path) -> tuple[str, Path]:
    source = tmp_path / "export" / "card_memo.txt"
    source.parent.mkdir(exist_ok=True)
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    result = _cli(tmp_path, config_file, "quarantine", "add", str(source))
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "data" / "quarantine" / "writers").iterdir()) == []  # its writer lock left with it
    return result.stdout.split()[1].rstrip(":"), source


def test_a_missing_key_is_never_replaced_while_items_are_held(tmp_path: Path, config_file: Path) -> None:
    entry_id, _ = _cli_hold(tmp_path, config_file)
    key = tmp_path / "data" / "quarantine.key"
    saved = key.read_bytes()
    key.unlink()
    (tmp_path / "watched").mkdir()
    daemons = (("watch", str(tmp_path / "watched")), ("gateway", "serve"))
    for args in (("quarantine", "list"), ("quarantine", "release", entry_id), ("quarantine", "check"), *daemons):
        result = _cli(tmp_path, config_file, *args)
        assert result.returncode != 0, args
        assert "quarantine.key" in result.stderr and "backup" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not key.exists(), "a new key was made: every held item would be unopenable"
    key.write_bytes(saved)
    key.chmod(0o600)
    assert entry_id in _cli(tmp_path, config_file, "quarantine", "list").stdout


def test_a_release_with_the_wrong_key_fails_and_stays_held(tmp_path: Path, config_file: Path) -> None:
    right = os.urandom(32).hex()
    source = tmp_path / "export" / "card_memo.txt"
    source.parent.mkdir()
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    added = _cli(tmp_path, config_file, "quarantine", "add", str(source), key=right)
    assert added.returncode == 0, added.stderr
    entry_id = added.stdout.split()[1].rstrip(":")
    wrong = _cli(tmp_path, config_file, "quarantine", "release", entry_id, key=os.urandom(32).hex())
    assert wrong.returncode != 0 and "DLP_QUARANTINE_KEY" in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr and not source.exists()
    shown = _cli(tmp_path, config_file, "quarantine", "show", entry_id, key=right)
    assert "held" in shown.stdout, shown.stdout + shown.stderr
    released = _cli(tmp_path, config_file, "quarantine", "release", entry_id, key=right)
    assert released.returncode == 0, released.stderr
    assert source.read_bytes() == (FIXTURES / "card_memo.txt").read_bytes()


def test_a_failure_after_the_claim_rolls_back(tmp_path: Path, store: QuarantineStore, settings) -> None:
    source = tmp_path / "export" / "card_memo.txt"
    source.parent.mkdir()
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    entry_id = _hold(store, source, settings)
    obj = store.objects / f"{entry_id}.bin"
    good = obj.read_bytes()
    obj.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # the tag fails only at the very end
    with pytest.raises(Exception, match="authentication"):
        store.release(entry_id, actor="officer")
    assert store.get(entry_id).state == "held" and not source.exists()
    obj.write_bytes(good)
    store.release(entry_id, actor="officer")
    assert source.exists()


# --- 21: index rows are authenticated -------------------------------------------------------------


def _sqlite(store: QuarantineStore, sql: str) -> None:
    subprocess.run(["sqlite3", str(store.index), sql], check=True)


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE entries SET action = 'allow', clause = NULL",
        "UPDATE entries SET state = 'released'",
        "UPDATE entries SET sha256 = '0000000000000000000000000000000000000000000000000000000000000000'",
        "UPDATE entries SET name = 'harmless.txt', locator = 'harmless.txt'",
        "UPDATE entries SET mac = NULL",
    ],
)
def test_an_edited_index_row_is_refused(tmp_path: Path, store: QuarantineStore, settings, edit: str) -> None:
    source = tmp_path / "export" / "card_memo.txt"
    source.parent.mkdir()
    shutil.copyfile(FIXTURES / "card_memo.txt", source)
    entry = store.put_file(source, scan_item(Item.from_path(source), settings), channel="watch")
    source.unlink()
    _sqlite(store, edit)
    with pytest.raises(QuarantineError, match="tampered"):
        store.get(entry.id)
    with pytest.raises(QuarantineError, match="tampered"):
        store.release(entry.id, actor="officer")
    assert not source.exists()
    assert store.find(entry.sha256, state="released") == []  # a forged "released" lets nothing through
    [listed] = store.list()
    assert listed.state == "tampered"
    report = store.check(repair=True)
    assert report.tampered == [entry.id] and not report.clean
    assert (store.objects / f"{entry.id}.bin").exists(), "check must keep the content of a tampered row"


def test_a_row_copied_onto_another_id_is_refused(tmp_path: Path, store: QuarantineStore, settings) -> None:
    ids = []
    for name in ("card_memo.txt", "call_notes.txt"):
        source = tmp_path / name
        shutil.copyfile(FIXTURES / name, source)
        ids.append(store.put_file(source, scan_item(Item.from_path(source), settings), channel="watch").id)
    _sqlite(
        store,
        f"UPDATE entries SET mac = (SELECT mac FROM entries WHERE id = '{ids[0]}'),"
        f" action = (SELECT action FROM entries WHERE id = '{ids[0]}') WHERE id = '{ids[1]}'",
    )
    store.get(ids[0])
    with pytest.raises(QuarantineError, match="tampered"):
        store.get(ids[1])


def test_cli_show_and_check_report_a_tampered_row(tmp_path: Path, config_file: Path) -> None:
    entry_id, _ = _cli_hold(tmp_path, config_file)
    subprocess.run(
        ["sqlite3", str(tmp_path / "data" / "quarantine" / "index.sqlite3"), "UPDATE entries SET action = 'allow'"],
        check=True,
    )
    show = _cli(tmp_path, config_file, "quarantine", "show", entry_id)
    assert show.returncode != 0 and "tampered" in show.stderr and "Traceback" not in show.stderr
    check = _cli(tmp_path, config_file, "quarantine", "check")
    assert check.returncode != 0 and "tampered" in check.stdout and entry_id in check.stdout
    listed = _cli(tmp_path, config_file, "quarantine", "list")
    assert listed.returncode == 0 and "tampered" in listed.stdout


# --- wave 2: a path swapped for a named pipe ----------------------------------------------------


def _returns_within(fn, seconds: float, unblock: Path) -> BaseException | None:  # type: ignore[no-untyped-def]
    """Run ``fn`` in a thread; what it raised (None if it returned), failing if it blocked. A
    blocked open of a FIFO is released by opening the FIFO's other end, so no thread is left."""
    import threading

    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fn()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    blocked = thread.is_alive()
    if blocked:
        fd = os.open(unblock, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(10)
    assert not blocked, "blocked on a named pipe"
    return outcome[0]


def test_a_hold_of_a_path_swapped_for_a_fifo_does_not_block(tmp_path: Path, store: QuarantineStore, settings) -> None:
    """Between the watcher's scan and its hold, the file is replaced by a named pipe: the hold
    opened it blocking and the dispatcher thread hung for good (no more verdicts in that
    folder). It must fail at once, with nothing held."""
    path = tmp_path / "customers.csv"
    path.write_bytes((FIXTURES / "card_memo.txt").read_bytes())
    verdict = scan_item(Item.from_path(path), settings)
    path.unlink()
    os.mkfifo(path)
    error = _returns_within(lambda: store.put_file(path, verdict, channel="watch"), 5, path)
    assert isinstance(error, OSError)
    assert store.list() == []


def test_release_onto_a_fifo_is_refused_without_blocking(tmp_path: Path, store: QuarantineStore, settings) -> None:
    path = tmp_path / "memo.txt"
    path.write_bytes((FIXTURES / "card_memo.txt").read_bytes())
    entry_id = _hold(store, path, settings)
    os.mkfifo(path)
    error = _returns_within(lambda: store.release(entry_id, actor="officer"), 10, path)
    assert isinstance(error, QuarantineError)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)
    assert store.get(entry_id).state == "held"


def test_a_refused_release_names_the_path_masked(tmp_path: Path, store: QuarantineStore, settings) -> None:
    """The refusal of a release to the original path printed that path raw: a phone number in a
    folder name (item 19) came back on the officer's terminal and in captured job logs."""
    folder = tmp_path / "顧客" / "090-1234-5678様"
    folder.mkdir(parents=True)
    path = folder / "memo.txt"
    path.write_bytes((FIXTURES / "card_memo.txt").read_bytes())
    entry_id = _hold(store, path, settings)
    path.write_text("the user's own new file\n")
    with pytest.raises(QuarantineError, match="exists") as refused:
        store.release(entry_id, actor="officer")
    assert "1234-5678" not in str(refused.value)
    assert "090-****-5678" in str(refused.value)
    path.unlink()
    folder.rename(tmp_path / "moved")
    (tmp_path / "顧客" / "090-1234-5678様").symlink_to(tmp_path / "moved")
    with pytest.raises(QuarantineError, match="symbolic link") as refused:
        store.release(entry_id, actor="officer")
    assert "1234-5678" not in str(refused.value)


def test_a_hold_committed_after_the_checks_snapshot_by_a_run_that_then_exits_is_kept(tmp_path: Path) -> None:
    """The check read the index while a short run (`dlp scan --quarantine` of one file) was
    between its intent and its row; the run committed and exited before the check probed its
    writer lock. Dead writer, object not in the snapshot: it was deleted as a stray, and the
    acknowledged hold was then marked lost (about one run in twenty of the race test above)."""
    key = os.urandom(32)
    directory = tmp_path / "q"
    QuarantineStore(directory, key)
    (tmp_path / "customers.txt").write_bytes("会員番号 12345678\n".encode())
    code = (
        "import sys; from pathlib import Path; from dlp.actions.quarantine import QuarantineStore;"
        "from dlp.model import Action, Verdict;"
        "s = QuarantineStore(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]));"
        "v = Verdict('customers.txt', Action.QUARANTINE, 'test', '保留', 'held', {}, 0, []);"
        "e = s.put_file(Path(sys.argv[3]), v, channel='scan'); print(e.id, s._writer.name())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(directory), key.hex(), str(tmp_path / "customers.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    entry_id, writer = run.stdout.split()
    # What the check's snapshot saw: the run's intent, not yet its row.
    snapshot = tmp_path / "snapshot.sqlite3"
    with sqlite3.connect(directory / "index.sqlite3") as live, sqlite3.connect(snapshot) as copy:
        live.backup(copy)
    with sqlite3.connect(snapshot) as copy:
        copy.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
        copy.execute("INSERT INTO intents (id, writer, started) VALUES (?, ?, ?)", (entry_id, writer, time.time()))
    store = QuarantineStore(directory, key)

    class SnapshotFirst:
        """The store, but its first index read is the snapshot taken before the run committed."""

        def __init__(self) -> None:
            self.first = True

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(store, name)

        @contextlib.contextmanager
        def connection(self):  # type: ignore[no-untyped-def]
            if self.first:
                self.first = False
                db = sqlite3.connect(snapshot, isolation_level=None)
                db.row_factory = sqlite3.Row
                try:
                    yield db
                finally:
                    db.close()
            else:
                with store.connection() as db:
                    yield db

    report = check_store(SnapshotFirst(), repair=True)  # type: ignore[arg-type]
    assert report.removed_strays == [] and report.lost == [], report
    assert store.get(entry_id).state == "held"
    assert store.content(entry_id) == "会員番号 12345678\n".encode()
