"""The study server: aiohttp, with textual-serve's AppService running one trainer app process
per websocket. Every request but the library's static files needs the token (the page in its
query, the websocket in its path, since textual.js appends its own query to the socket's URL);
a refusal is HTTP 403 and one line in the log, and the log never holds a token."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import secrets
import shlex
import signal
import socket
import ssl
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import textual_serve
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from trainer.render.words import echo

log = logging.getLogger("trainer.serve")

PAGE = Template((Path(__file__).with_name("page.html")).read_text(encoding="utf-8"))
LIBRARY = Path(textual_serve.__file__).resolve().parent / "static"
# The only files served without the token: textual-serve's script (xterm.js inside), its
# style and its fonts. No listing, no other path.
STATIC = {
    "css/xterm.css": "text/css",
    "js/textual.js": "text/javascript",
    "fonts/RobotoMono-VariableFont_wght.ttf": "font/ttf",
    "fonts/RobotoMono-Italic-VariableFont_wght.ttf": "font/ttf",
}
# style-src needs 'unsafe-inline': xterm.js sizes its rows with style attributes
POLICY = ("default-src 'none'; script-src 'self' 'nonce-{nonce}'; "
          "style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
SIZE_LIMIT = 1000  # a terminal's columns or rows: a browser asks for fewer; more is refused
STOP_GRACE = 10.0  # seconds an app has to end after its socket closed, before it is killed
HANDOVER = 5.0  # seconds a new session waits for closing ones (their study lock) to end


@dataclass(frozen=True)
class ServeConfig:
    """What ``run`` serves: ``command`` is the app process's argv, ``env`` what it adds to
    this process's environment (the database, above all)."""

    command: Sequence[str]
    env: Mapping[str, str]
    token: str
    host: str = "127.0.0.1"
    port: int = 8000
    max_sessions: int = 4
    ssl_context: ssl.SSLContext | None = None
    font_size: int = 16
    announce: Callable[[list[str]], None] = field(default=lambda urls: None)


def new_token() -> str:
    """A random access token: 192 bits, URL-safe."""
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """True for an address only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def address_url(host: str, port: int, *, tls: bool, token: str) -> str:
    """The URL a browser opens for a bound address (a wildcard address is named by this
    machine's host name)."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"{'https' if tls else 'http'}://{host}:{port}/?token={token}"


def run(config: ServeConfig) -> None:
    """Serve until SIGINT or SIGTERM; then every session's app is asked to end (each grade
    is already committed) before the server stops. OSError when the address cannot be
    bound."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("trainer serve: %(message)s"))
    for name in ("trainer.serve", "textual-serve", "aiohttp"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    asyncio.run(_serve(config))


async def _serve(config: ServeConfig) -> None:
    sessions = Sessions(config)
    app = web.Application(middlewares=[_guard(config.token)], client_max_size=64 * 1024)
    app.router.add_get("/", sessions.page)
    app.router.add_get("/ws/{token}", sessions.websocket)
    app.router.add_get("/static/{name:.+}", _static)
    app.on_shutdown.append(sessions.close_all)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port, ssl_context=config.ssl_context)
        await site.start()
        tls = config.ssl_context is not None
        config.announce([address_url(str(a[0]), int(a[1]), tls=tls, token=config.token)
                         for a in runner.addresses])
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        log.info("stopping: ending %d session(s)", sessions.open)
    finally:
        await runner.cleanup()


def _guard(token: str) -> Callable[..., Awaitable[web.StreamResponse]]:
    expected = token.encode()

    @web.middleware
    async def guard(request: web.Request,
                    handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        if request.path.startswith("/static/"):
            return await handler(request)
        given = request.match_info.get("token") or request.query.get("token")
        if given is None or not hmac.compare_digest(given.encode(), expected):
            why = "no token" if given is None else "wrong token"
            # a near miss of the token is nearly the token: the socket's path is not logged
            path = "/ws/…" if request.path.startswith("/ws/") else echo(request.path, 80)
            log.warning("refused %s %s from %s: %s", request.method, path, request.remote,
                        why)
            raise web.HTTPForbidden(text="403: this trainer needs the address it printed "
                                         "when it started, with its token\n")
        return await handler(request)

    return guard


async def _static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    return web.FileResponse(LIBRARY / name, headers={
        "Content-Type": STATIC[name], "Cache-Control": "max-age=3600",
        "X-Content-Type-Options": "nosniff"})


class Sessions:
    """The open sessions: at most ``max_sessions`` app processes, each ended with its socket.
    A new session waits (a few seconds at most) for the closing ones, so that a reloaded
    page gets the study lock its previous self held instead of a read-only window."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.open = 0
        self.closing = 0
        self.settled = asyncio.Condition()
        self.sockets: set[web.WebSocketResponse] = set()
        self.downloads = DownloadManager()  # AppService wants one; the trainer offers none

    async def page(self, request: web.Request) -> web.Response:
        nonce = secrets.token_urlsafe(16)
        font_size = _bounded(request.query.get("fontsize"), self.config.font_size, 6, 64)
        body = PAGE.substitute(nonce=nonce, path=f"/ws/{self.config.token}",
                               font_size=font_size)
        return web.Response(text=body, content_type="text/html", headers={
            "Content-Security-Policy": POLICY.format(nonce=nonce),
            "Referrer-Policy": "no-referrer",  # the token is in this page's address
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
        })

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        if self.open >= self.config.max_sessions:
            log.warning("refused a session from %s: %d open, the most --max-sessions allows",
                        request.remote, self.open)
            await ws.prepare(request)
            await ws.send_bytes(f"trainer: {self.open} study sessions are open, the most this "
                                "server allows; close one and reload this page.\r\n".encode())
            await ws.close(code=WSCloseCode.TRY_AGAIN_LATER)
            return ws
        self.open += 1
        try:
            await self._handed_over()
            await ws.prepare(request)
            self.sockets.add(ws)
            log.info("session opened from %s (%d open)", request.remote, self.open)
            await self._run_app(ws, request)
        finally:
            self.sockets.discard(ws)
            self.open -= 1
            log.info("session closed from %s (%d open)", request.remote, self.open)
        return ws

    async def _run_app(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        width = _bounded(request.query.get("width"), 80, 1, SIZE_LIMIT)
        height = _bounded(request.query.get("height"), 24, 1, SIZE_LIMIT)
        service = AppProcess(self.config, write_bytes=ws.send_bytes, write_str=ws.send_str,
                             close=ws.close, download_manager=self.downloads)
        await service.start(width, height)
        try:
            await _relay(ws, service)
        finally:
            self.closing += 1
            try:
                await service.end()
            finally:
                self.closing -= 1
                async with self.settled:
                    self.settled.notify_all()

    async def _handed_over(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with self.settled:
                await asyncio.wait_for(self.settled.wait_for(lambda: self.closing == 0),
                                       HANDOVER)

    async def close_all(self, app: web.Application) -> None:
        """The server is stopping: every socket closed, so that every app ends cleanly."""
        for ws in list(self.sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")


async def _relay(ws: web.WebSocketResponse, service: AppService) -> None:
    """The browser's keys, mouse and size to the app, until the socket closes. A message
    that is not the page's is ignored."""
    async for message in ws:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            kind, *rest = json.loads(message.data)
        except (ValueError, TypeError):
            continue
        data = rest[0] if rest else None
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await service.set_terminal_size(_bounded(data.get("width"), 80, 1, SIZE_LIMIT),
                                            _bounded(data.get("height"), 24, 1, SIZE_LIMIT))
        elif kind == "ping" and isinstance(data, str):
            await ws.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


class AppProcess(AppService):
    """One session's trainer app: started without a shell, with the server's database in its
    environment, and ended (killed, if it will not go) when its socket closes. On Linux it
    is also ended when the server dies, so that no orphan keeps the study lock."""

    def __init__(self, config: ServeConfig, **kwargs: object) -> None:
        super().__init__(shlex.join(config.command), **kwargs)  # type: ignore[arg-type]
        self.config = config

    async def _open_app_process(self, width: int = 80, height: int = 24
                                ) -> asyncio.subprocess.Process:
        env = self._build_environment(width=width, height=height) | dict(self.config.env)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.config.command, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
            preexec_fn=_end_with_parent if sys.platform == "linux" else None)
        self._stdin = process.stdin
        return process

    async def end(self) -> None:
        """Ask the app to quit (it commits nothing half-done: each grade is already in);
        killed after STOP_GRACE seconds if it has not gone."""
        process = self._process
        try:
            await asyncio.wait_for(asyncio.shield(self.stop()), STOP_GRACE)
        except TimeoutError:
            log.warning("a session's app did not end in %.0f s; killing it", STOP_GRACE)
            if process is not None and process.returncode is None:
                process.kill()
        if process is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), STOP_GRACE)


def _end_with_parent() -> None:
    # PR_SET_PDEATHSIG: SIGTERM when the server dies, which the app takes as "quit"
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _bounded(value: object, default: int, low: int, high: int) -> int:
    if not isinstance(value, (int, str)):
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return min(max(number, low), high)
