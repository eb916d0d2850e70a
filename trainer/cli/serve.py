"""`trainer serve`: the study app in a browser, one app process per connection on this
database, behind a random token; loopback only unless --host says otherwise."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from trainer.cli.common import open_from_args, refresh_bundled_decks
from trainer.errors import UserError
from trainer.render.words import visible

if TYPE_CHECKING:
    import ssl

    from trainer.cli.common import AddCommand


def register(add: AddCommand) -> None:
    """Add serve to the command line."""
    p = add("serve", cmd_serve, "study in a browser: serve the app on this machine, behind a "
            "token it prints")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; "
                   "0.0.0.0 opens it to the network, see the README before you do)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0: any free)")
    p.add_argument("--max-sessions", type=_sessions, default=4, metavar="N",
                   help="browser tabs served at once, each an app of its own (default 4)")
    p.add_argument("--certfile", metavar="PEM", help="serve HTTPS with this certificate "
                   "(chain); needs --keyfile")
    p.add_argument("--keyfile", metavar="PEM", help="the certificate's private key")


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the database (brought up to date, the bundled decks loaded once, here rather
    than by each tab), then serve until Ctrl+C."""
    context = _tls(args.certfile, args.keyfile)
    from trainer.paths import DB_ENV, resolve_db_url

    store = open_from_args(args)
    with store:
        refresh_bundled_decks(store)
    from trainer.serving import ServeConfig, is_loopback, new_token, run

    if not is_loopback(args.host) and context is None:
        _warn(f"warning: {args.host} can be reached from other machines and this server has "
              "no TLS: the token and every card would travel in clear. Keep --host 127.0.0.1 "
              "behind a TLS proxy (for example `caddy reverse-proxy --from study.example.org "
              f"--to 127.0.0.1:{args.port or 8000}`), or give --certfile and --keyfile.")
    config = ServeConfig(
        command=[sys.executable, "-m", "trainer"],
        # the app needs no terminal here: the browser is its terminal
        env={DB_ENV: resolve_db_url(getattr(args, "db", None)), "TRAINER_FORCE_TUI": "1"},
        token=new_token(), host=args.host, port=args.port, max_sessions=args.max_sessions,
        ssl_context=context, announce=_announce)
    try:
        run(config)
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UserError(f"cannot listen on {args.host} port {args.port}: {why}") from None
    return 0


def _announce(urls: list[str]) -> None:
    print("trainer serve: open this address in a browser (the token in it is the key to "
          "your cards: keep it to yourself):", flush=True)
    for url in urls:
        print(f"  {url}", flush=True)
    print("Ctrl+C stops the server; every grade is saved as it is given.", flush=True)


def _warn(line: str) -> None:
    print(f"trainer serve: {visible(line)}", file=sys.stderr, flush=True)


def _tls(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise UserError("--certfile and --keyfile go together")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(os.fspath(certfile), os.fspath(keyfile))
    except (OSError, ssl.SSLError) as exc:
        raise UserError(f"cannot use the certificate {certfile!r} with the key {keyfile!r}: "
                        f"{getattr(exc, 'strerror', None) or exc}") from None
    return context


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, not {text!r}")
    return value


def _sessions(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be from 1 to 64, not {text!r}")
    return value
