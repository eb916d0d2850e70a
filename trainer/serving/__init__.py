"""Study in a browser: a web server that runs the trainer app once per connection, on the
same database, and draws it in the browser with xterm.js (textual-serve's app process and
page script). Private by default: loopback only, a random token on the page and on the
websocket, nothing served but the page, its socket and the library's own script, style and
fonts. Free of Textual itself: each session's app is a process of its own."""

from trainer.serving.server import ServeConfig, address_url, is_loopback, new_token, run

__all__ = ["ServeConfig", "address_url", "is_loopback", "new_token", "run"]
