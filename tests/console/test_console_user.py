"""The console as its own unprivileged user (SECURITY.md, "The console's user").

The gateway side (root, umask 0077 as in the units) makes the store in a data folder shared with
a group (``install -d -m 2770 -g dlp``); the console then runs as a uid in that group and lists
the queue and releases a held mail and a held file through the same store code, while a uid
outside the group cannot read the store at all, and the gateway keeps working afterwards.

The uids and gids are unused numbers (no /etc/passwd or /etc/group entry is made: setuid(2) needs
none). The interpreter lives under /root here, which other uids cannot enter, so each "other
user" is a spawned Python process that imports what it needs as root and then drops to the uid
(setgroups, setgid, setuid) before it touches the store: from then on the kernel checks every
open as that uid, exactly as for `dlp console serve` started by systemd with User=dlp-console."""

from __future__ import annotations

import grp
import multiprocessing
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.console.conftest import PASSWORD, SALES, customer_list_mail

FILE_BYTES = "氏名,電話\n".encode() + customer_list_mail(SALES)
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to change users")  # CI runs as root


def _unused_ids(count: int) -> list[int]:
    """Numbers that are neither a user nor a group on this host."""
    found = []
    for n in range(62000, 64000):
        try:
            pwd.getpwuid(n)
            continue
        except KeyError:
            pass
        try:
            grp.getgrgid(n)
            continue
        except KeyError:
            pass
        found.append(n)
        if len(found) == count:
            return found
    raise AssertionError("no unused ids")


def _become(uid: int, gid: int, groups: list[int]) -> None:
    os.setgroups(groups)
    os.setgid(gid)
    os.setuid(uid)
    assert os.geteuid() == uid and os.getegid() == gid


def _as_console(config: str, uid: int, gid: int, mail_id: str, file_ids: list[str]) -> dict[str, Any]:
    """In a spawned process: the console app (Starlette, as `dlp console serve` builds it) as
    ``uid`` in group ``gid``, signed in as an officer: the queue, then releases."""
    import anyio._backends._asyncio  # noqa: F401 - imported while root can still read the venv
    import starlette.formparsers  # noqa: F401 - python-multipart, whichever name it has
    from starlette.testclient import TestClient

    from dlp.config import load_config
    from dlp.console.app import create_app
    from dlp.services import Services
    from tests.console.conftest import csrf_of

    for codec in ("ascii", "idna", "latin-1", "utf-8", "cp932", "iso2022_jp"):
        "".encode(codec)  # codecs load lazily, from where the uid cannot read
    # Built as root, used as the uid: Services opens the store and the trail lazily (below, as the
    # uid); the templates are compiled now because CI may check the source out under /root.
    services = Services(load_config(Path(config)))
    app = create_app(services, mask=lambda text: text)
    env = app.state.console.templates.env
    env.auto_reload = False
    for name in env.list_templates():
        env.get_template(name)
    with TestClient(app, base_url="https://testserver") as warm:
        warm.get("/login")  # the lazy imports of a first request; opens neither the store nor the trail
    assert "quarantine" not in services.__dict__ and "audit" not in services.__dict__

    _become(uid, gid, [gid])
    load_config(Path(config))  # the uid reads the configuration
    (services.config.data_dir / "console.key").read_text(encoding="ascii")  # and the session key
    out: dict[str, Any] = {"uid": os.geteuid()}
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        login = client.post("/login", data={"user": "officer1", "password": PASSWORD})
        out["login"] = login.status_code
        page = client.get("/")
        out["queue"] = [i for i in (mail_id, *file_ids) if i in page.text]
        for entry_id in (mail_id, *file_ids):
            token = csrf_of(client, f"/entry/{entry_id}")
            r = client.post(f"/entry/{entry_id}/release", data={"csrf": token, "reason": "取引先確認済み"})
            out[entry_id] = r.headers.get("location")
    out["states"] = {e.id: e.state for e in services.quarantine.list(state=None)}
    return out


def _as_outsider(config: str, uid: int, gid: int, paths: list[str]) -> dict[str, str]:
    """In a spawned process, as a uid outside the group: what opening the store and reading its
    files does."""
    from dlp.config import load_config
    from dlp.services import Services

    "".encode("ascii")
    _become(uid, gid, [])
    out = {}
    try:
        Services(load_config(Path(config))).quarantine  # noqa: B018
        out["store"] = "opened"
    except OSError as exc:
        out["store"] = type(exc).__name__
    for path in paths:
        try:
            Path(path).read_bytes()
            out[path] = "read"
        except OSError as exc:
            out[path] = type(exc).__name__
    return out


def _spawned(fn: Any, *args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(fn, args)


@pytest.fixture()
def shared(smtp_sink) -> Iterator[dict[str, Any]]:
    """A data folder shared with a fresh group, a config beside it, as an administrator sets them up."""
    console_uid, outsider_uid, gid, other_gid = _unused_ids(4)
    base = Path(tempfile.mkdtemp(prefix="dlp-console-user-"))
    base.chmod(0o755)  # the spawned users must reach the config and the folders (tmp_path is 0700)
    data = base / "data"
    data.mkdir()
    os.chown(data, 0, gid)
    data.chmod(0o2770)
    share = base / "share"  # a shared folder the watcher guards; its group may write there
    share.mkdir()
    os.chown(share, 0, gid)
    share.chmod(0o2770)
    private = base / "private"  # a folder only root may write
    private.mkdir(mode=0o700)
    config = base / "dlp.toml"
    config.write_text(
        f"""
[paths]
data_dir = "{data}"

[smtp]
host = "127.0.0.1"
port = {smtp_sink.port}

[notify]
from = "dlp@example.co.jp"
officer = "dpo@example.co.jp"

[mail]
internal_domains = ["example.co.jp"]
next_hop_host = "127.0.0.1"
next_hop_port = {smtp_sink.port}
""",
        encoding="utf-8",
    )
    config.chmod(0o644)  # fake values only; a real one is 0640 root:dlp
    try:
        yield {
            "base": base,
            "data": data,
            "share": share,
            "private": private,
            "config": config,
            "console_uid": console_uid,
            "outsider_uid": outsider_uid,
            "gid": gid,
            "other_gid": other_gid,
        }
    finally:
        shutil.rmtree(base)


def _gateway_holds(config: Path, settings, share: Path, private: Path) -> tuple[Any, str, list[str]]:
    """As the gateway and the watcher do (root, umask 0077): hold a mail and two files."""
    from dlp.actions.quarantine import Envelope
    from dlp.config import load_config
    from dlp.console.auth import Accounts
    from dlp.gateway.address import mail_context
    from dlp.model import Item
    from dlp.pipeline import scan_item
    from dlp.services import Services

    old = os.umask(0o077)
    try:
        services = Services(load_config(config))
        store = services.quarantine
        data = customer_list_mail(SALES)
        envelope = Envelope(SALES, ("tanaka@partner.example.net",))
        context = mail_context(SALES, envelope.rcpt_tos, services.internal_domains())
        verdict = scan_item(Item.from_bytes(data, "mail.eml", channel="mail"), settings, context)
        mail = store.put_mail(data, verdict, envelope, locator="mail:<user@example.co.jp>")
        files = []
        for folder in (share, private):
            path = folder / "顧客リスト.csv"
            path.write_bytes(FILE_BYTES)
            files.append(store.put_file(path, verdict, channel="watch").id)
            path.unlink()  # the watcher removes the original once it is held
        services.audit.write("test.setup", actor="root")
        Accounts(services.config.path_of("console", "users_file", "console.sqlite3")).add(
            "officer1", PASSWORD, "officer"
        )
    finally:
        os.umask(old)
    return services, mail.id, files


@pytest.mark.slow
def test_the_console_works_as_its_own_user_in_the_data_group_and_others_are_kept_out(
    shared, settings, smtp_sink
) -> None:
    services, mail_id, (share_file, private_file) = _gateway_holds(
        shared["config"], settings, shared["share"], shared["private"]
    )
    data: Path = shared["data"]
    gid = shared["gid"]
    # everything the gateway made is the group's, nothing is anyone else's; keys readable, not writable
    for path in [data, *data.rglob("*")]:
        info = path.lstat()
        assert info.st_gid == gid, path
        assert not info.st_mode & 0o007, (path, oct(info.st_mode))
        if path.is_dir():
            assert stat.S_IMODE(info.st_mode) == 0o2770, (path, oct(info.st_mode))
    for key in ("quarantine.key", "fingerprint.key"):
        assert stat.S_IMODE((data / key).stat().st_mode) == 0o640

    result = _spawned(
        _as_console, str(shared["config"]), shared["console_uid"], gid, mail_id, [share_file, private_file]
    )
    assert result["uid"] == shared["console_uid"] and result["login"] == 303
    assert result["queue"] == [mail_id, share_file, private_file]
    assert result[mail_id].endswith("done=release") and result[share_file].endswith("done=release")
    # a folder the console's user may not write: the release fails and the file stays held (least privilege)
    assert result[private_file].endswith("error=failed")
    assert result["states"] == {mail_id: "released", share_file: "released", private_file: "held"}
    assert len(smtp_sink.messages) == 1 and smtp_sink.messages[0].rcpt_tos == ["tanaka@partner.example.net"]
    restored = shared["share"] / "顧客リスト.csv"
    assert restored.read_bytes() == FILE_BYTES
    assert restored.stat().st_uid == shared["console_uid"]  # written as the console, not as root

    outsider = _spawned(
        _as_outsider,
        str(shared["config"]),
        shared["outsider_uid"],
        shared["other_gid"],
        [str(data / "quarantine.key"), str(data / "audit.jsonl"), str(data / "quarantine" / "index.sqlite3")],
    )
    assert set(outsider.values()) == {"PermissionError"}, outsider

    # the gateway (root) keeps working after the console made SQLite's -wal/-shm and appended to the trail
    again = services.quarantine.release(private_file, actor="root")
    assert again.state == "released"
    from dlp.actions.auditchain import verify

    report = verify(services.audit.path, services.config.fingerprint_key())
    events = [r["event"] for r in services.audit.read()]
    assert "console.release" in events and "console.login" in events
    assert report.intact and not report.unsigned, report


def test_serve_refuses_root_without_allow_root(shared) -> None:
    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    run = subprocess.run(
        [sys.executable, "-m", "dlp", "console", "serve", "--config", str(shared["config"])],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 4
    assert "refuses to run as root" in run.stderr and "--allow-root" in run.stderr


def test_only_a_set_group_id_folder_with_group_rwx_is_shared(tmp_path: Path) -> None:
    from dlp.fsutil import private_dir, private_file, shared_group

    sticky = tmp_path / "sticky"  # like /tmp: everyone may write, but nobody shared it with a group
    sticky.mkdir()
    sticky.chmod(0o1777)
    shared_dir = tmp_path / "shared"
    shared_dir.mkdir()
    shared_dir.chmod(0o2770)
    assert shared_group(sticky) is None and shared_group(tmp_path) is None
    assert shared_group(shared_dir) == shared_dir.stat().st_gid
    old = os.umask(0o077)
    try:
        made = private_file(sticky / "a" / "index.sqlite3")
        assert stat.S_IMODE(made.stat().st_mode) == 0o600 and stat.S_IMODE(made.parent.stat().st_mode) == 0o700
        made = private_file(private_dir(shared_dir / "b") / "index.sqlite3")
        assert stat.S_IMODE(made.stat().st_mode) == 0o660 and stat.S_IMODE(made.parent.stat().st_mode) == 0o2770
    finally:
        os.umask(old)


def test_a_key_is_group_readable_only_in_its_shared_folder_and_never_group_writable(tmp_path: Path) -> None:
    from dlp.keys import KeyFileError, load_or_create_key

    shared_dir = tmp_path / "shared"
    shared_dir.mkdir()
    shared_dir.chmod(0o2770)
    key = shared_dir / "quarantine.key"
    first = load_or_create_key(key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o640 and load_or_create_key(key) == first
    key.chmod(0o660)
    with pytest.raises(KeyFileError, match="readable by others"):
        load_or_create_key(key)
    private = tmp_path / "private.key"
    load_or_create_key(private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    private.chmod(0o640)  # group-readable outside a shared folder: refused as before
    with pytest.raises(KeyFileError, match="readable by others"):
        load_or_create_key(private)
