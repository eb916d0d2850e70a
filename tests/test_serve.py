"""`trainer serve` as the network sees it: a real server in a process of its own, spoken to
over HTTP and its websocket (as the page's script does), without a browser. The browser
itself is tests/test_serve_browser.py."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import EXTERNAL_URL
from tests.helpers import basic_deck
from trainer.cli import main
from trainer.serving import address_url, is_loopback
from trainer.store.lock import StudyLock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_browser import ESCAPES, Served  # noqa: E402

sys.path.pop(0)

WAIT = 60.0  # seconds for a screen to arrive: generous on a shared machine, never reached


@pytest.fixture
def seeded(_isolated_home, tmp_path):
    """A data dir holding one deck of three cards (q0..q2), imported as a student would."""
    deck = tmp_path / "deck.toml"
    deck.write_bytes(basic_deck("web", 3, name="Web deck"))
    assert main(["import", str(deck)]) == 0
    return _isolated_home


@pytest.fixture
def served(seeded):
    servers: list[Served] = []

    def start(*extra: str) -> Served:
        server = Served(dict(os.environ), *extra)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class Terminal:
    """One browser tab's socket, as textual.js opens it: the frames it draws, the keys it
    sends."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.text = ""  # everything drawn so far, escape sequences removed
        self.read = 0  # where the next wait looks from

    async def wait_for(self, needle: str) -> None:
        """Until ``needle`` is drawn after what the previous waits found."""
        async def read() -> int:
            while (found := self.text.find(needle, self.read)) < 0:
                message = await self.ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.text += ESCAPES.sub("", message.data.decode("utf-8", "replace"))
                elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                      aiohttp.WSMsgType.ERROR):
                    raise AssertionError(f"closed before {needle!r}; drawn: {self.text!r}")
            return found

        try:
            self.read = await asyncio.wait_for(read(), WAIT) + len(needle)
        except TimeoutError:
            raise AssertionError(f"{needle!r} not drawn; after the last wait: "
                                 f"{self.text[self.read:][-2000:]!r}") from None

    async def press(self, keys: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", keys]))


def socket_url(server: Served, token: str | None = None) -> str:
    token = server.url.split("token=", 1)[1] if token is None else token
    return server.base.replace("http://", "ws://") + f"ws/{token}?width=100&height=30"


async def test_the_page_and_its_socket_refuse_a_missing_or_wrong_token(served):
    server = served()
    token = server.url.split("token=", 1)[1]
    async with aiohttp.ClientSession() as http:
        for url in (server.base, server.base + "?token=wrong", server.base + "?token=",
                    server.base + "?token=" + token[:-1],
                    server.base + "?token=" + token + "x", server.base + "ws/"):
            async with http.get(url) as response:
                assert response.status == 403, url
        for url in (socket_url(server, "wrong"), socket_url(server, ""),
                    socket_url(server, token[:-1])):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url)
            assert refused.value.status == 403
        async with http.get(server.url) as response:
            assert response.status == 200
            page = await response.text()
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["Referrer-Policy"] == "no-referrer"
    # nothing on the page comes from another host: no network is needed, none is told of it
    assert "https://" not in page and "http://" not in page
    server.stop()
    log = server.log()
    assert log.count("refused") >= 9
    assert "wrong token" in log and "no token" in log
    assert token[:-1] not in log  # the log never holds the key, nor a near miss of it


async def test_only_the_page_and_the_librarys_own_files_are_served(served):
    server = served()
    token = server.url.split("token=", 1)[1]
    async with aiohttp.ClientSession() as http:
        for path in ("static/js/textual.js", "static/css/xterm.css",
                     "static/fonts/RobotoMono-VariableFont_wght.ttf"):
            async with http.get(server.base + path) as response:
                assert response.status == 200, path
        for path in ("static/", "static/js/", "static/images/background.png",
                     "static/../server.py", "static/%2e%2e/server.py",
                     f"download/x?token={token}", f"static?token={token}"):
            async with http.get(server.base + path) as response:
                assert response.status in (403, 404), path


@pytest.mark.slow
async def test_a_grade_given_over_the_socket_is_kept_and_a_dropped_tab_frees_the_lock(
        served, capsys):
    server = served()
    async with aiohttp.ClientSession() as http:
        first = Terminal(await http.ws_connect(socket_url(server)))
        await first.wait_for("Web deck")
        await first.press("\r")  # study the selected deck
        await first.wait_for("q0")
        await first.press(" ")
        await first.wait_for("a0")
        await first.press("4")
        await first.wait_for("q1")  # the grade is committed before the next card shows
        first.ws._response.connection.transport.abort()  # the tab killed: no goodbye

        second = Terminal(await http.ws_connect(socket_url(server)))
        await second.wait_for("your decks for today")
        await second.wait_for("Web deck")
        assert "read-only" not in second.text  # the killed tab's lock went with its app

        third = Terminal(await http.ws_connect(socket_url(server)))
        await third.wait_for("read-only: another window")  # as a second terminal would
        await third.ws.close()
        await second.ws.close()
    assert server.stop() == 0
    capsys.readouterr()
    assert main(["cards", "rated:1"]) == 0
    out = capsys.readouterr().out
    assert "web/web0" in out and "web/web1" not in out


@pytest.mark.slow
async def test_the_card_editor_in_a_browser_says_there_is_no_editor_to_open(served, tmp_path):
    marker = tmp_path / "editor-ran"
    os.environ["EDITOR"] = f"touch {marker}"  # the served apps inherit the server's environment
    try:
        server = served()
    finally:
        del os.environ["EDITOR"]
    async with aiohttp.ClientSession() as http:
        tab = Terminal(await http.ws_connect(socket_url(server)))
        await tab.wait_for("Web deck")
        await tab.press("\r")
        await tab.wait_for("q0")
        await tab.press("E")  # edit the card
        await tab.wait_for("opens $EDITOR")
        await tab.press("\x05")  # ctrl+e
        await tab.wait_for("no $EDITOR in a browser: edit the card here")
        await tab.ws.close()
    assert not marker.exists()  # nothing ran on the server's machine


@pytest.mark.slow
@pytest.mark.skipif(not EXTERNAL_URL, reason="needs TRAINER_TEST_DB_URL (PostgreSQL)")
async def test_on_postgresql_two_tabs_study_at_once(served, tmp_path):
    from tests.conftest import reset_external, worker_url

    url = worker_url(EXTERNAL_URL)
    reset_external(url)
    deck = tmp_path / "pg.toml"
    deck.write_bytes(basic_deck("pg", 3, name="Server deck"))
    assert main(["import", str(deck), "--db", url]) == 0
    server = served("--db", url)
    async with aiohttp.ClientSession() as http:
        one = Terminal(await http.ws_connect(socket_url(server)))
        two = Terminal(await http.ws_connect(socket_url(server)))
        for tab in (one, two):
            await tab.wait_for("Server deck")
            assert "read-only" not in tab.text
        await one.ws.close()
        await two.ws.close()


@pytest.mark.slow
async def test_a_tab_over_the_limit_is_told_so(served):
    server = served("--max-sessions", "1")
    async with aiohttp.ClientSession() as http:
        first = Terminal(await http.ws_connect(socket_url(server)))
        await first.wait_for("Web deck")
        second = Terminal(await http.ws_connect(socket_url(server)))
        await second.wait_for("study sessions are open, the most this server allows")
        message = await second.ws.receive()
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        await first.ws.close()
    server.stop()
    assert "refused a session" in server.log()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
async def test_a_killed_server_leaves_no_app_holding_the_study_lock(served, seeded):
    server = served()
    async with aiohttp.ClientSession() as http:
        tab = Terminal(await http.ws_connect(socket_url(server)))
        await tab.wait_for("Web deck")
        lock = StudyLock(seeded / "trainer.db.lock")
        assert lock.acquire() is not None  # the tab's app holds it
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        deadline = time.monotonic() + WAIT
        while (holder := lock.acquire()) is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert holder is None
        lock.release()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl for a certificate")
async def test_with_a_certificate_it_serves_https_and_gives_an_https_address(served, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=120)
    server = served("--certfile", str(cert), "--keyfile", str(key))
    assert server.url.startswith("https://127.0.0.1:")
    async with aiohttp.ClientSession() as http:
        async with http.get(server.url, ssl=False) as response:  # self-signed
            assert response.status == 200
        async with http.get(server.base, ssl=False) as response:
            assert response.status == 403
    server.stop()
    assert "warning" not in server.log()


def test_bad_arguments_are_one_line_and_serve_nothing(seeded, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "70000"])
    assert exited.value.code == 2
    assert "must be a port from 0 to 65535, not '70000'" in capsys.readouterr().err
    assert main(["serve", "--certfile", "cert.pem"]) == 1
    assert capsys.readouterr().err.strip() == "trainer: --certfile and --keyfile go together"
    assert main(["serve", "--certfile", "nope.pem", "--keyfile", "nope.key"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot use the certificate" in err[0]


def test_a_busy_port_is_one_line(seeded):
    server = Served(dict(os.environ))
    try:
        port = server.base.rsplit(":", 1)[1].strip("/")
        done = subprocess.run([sys.executable, "-m", "trainer", "serve", "--port", port],
                              capture_output=True, text=True, timeout=120)
    finally:
        server.stop()
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"trainer: cannot listen on 127.0.0.1 port {port}: Address already in use"]


def test_listening_beyond_this_machine_without_tls_warns(seeded):
    server = Served(dict(os.environ), "--host", "0.0.0.0")
    server.stop()
    log = server.log()
    assert "warning: 0.0.0.0 can be reached from other machines" in log
    assert "no TLS" in log and "TLS proxy" in log


def test_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.8.0.1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert not is_loopback("example.org") and not is_loopback("::")
    assert address_url("::1", 8000, tls=False, token="t") == "http://[::1]:8000/?token=t"
    assert address_url("127.0.0.1", 1, tls=True, token="t") == "https://127.0.0.1:1/?token=t"
