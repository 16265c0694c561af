"""Measures python-manhole (1.8): one session over its unix socket (no authentication beyond the
peer's uid), evaluating `len(app.items)` in its REPL, with method.py's method.

python-manhole runs `code.InteractiveConsole` with stdin and stdout redirected to the socket: the
client writes a line of Python and reads until the next `>>> ` prompt, which follows the value.

Usage: pymanhole_client.py SOCKET_PATH
"""

import socket
import sys

from method import measure, print_row
from repl_session import PROMPT, ReplSession


class Session(ReplSession):
    """One REPL session on python-manhole's socket."""

    def __init__(self, path):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A peer that stops answering fails the run instead of hanging it.
        sock.settimeout(30)
        sock.connect(path)
        super().__init__(sock, "python-manhole", b"\n")

    def evaluate(self, line, expect):
        """Sends one line and reads its output up to the next prompt, which must be `expect`."""
        reply = self.send_line(line)
        if reply != expect + PROMPT:
            raise SystemExit(f"python-manhole answered {reply!r} to {line!r}")


def main():
    session = Session(sys.argv[1])
    figures = measure(lambda _: session.evaluate(b"len(app.items)", expect=b"1000\n"))
    print_row("python-manhole 1.8 (unix socket, no auth): len(app.items)", figures)


if __name__ == "__main__":
    main()
