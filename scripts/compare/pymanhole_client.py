"""Measures python-manhole (1.8): one session over its unix socket (no authentication beyond the
peer's uid), evaluating `len(app.items)` in its REPL, with method.py's method.

python-manhole runs `code.InteractiveConsole` with stdin and stdout redirected to the socket: the
client writes a line of Python and reads until the next `>>> ` prompt, which follows the value.

Usage: pymanhole_client.py SOCKET_PATH
"""

import socket
import sys

from method import measure, print_row

PROMPT = b">>> "


class Session:
    """One REPL session on python-manhole's socket."""

    def __init__(self, path):
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A peer that stops answering fails the run instead of hanging it.
        self.socket.settimeout(30)
        self.socket.connect(path)
        self.buffer = b""
        # The greeting (thread stacks, the console banner) is skipped whatever it holds: the first
        # prompt after a marker's value (which its source line does not contain) starts the session.
        self.socket.sendall(b"'manhole-' + 'sync'\n")
        self.read_until(b"'manhole-sync'")
        self.read_until(PROMPT)

    def read_until(self, marker):
        """The bytes up to and including `marker`."""
        while True:
            found = self.buffer.find(marker)
            if found >= 0:
                end = found + len(marker)
                text, self.buffer = self.buffer[:end], self.buffer[end:]
                return text
            chunk = self.socket.recv(65536)
            if not chunk:
                raise SystemExit(f"python-manhole closed the session; last output: {self.buffer[-200:]!r}")
            self.buffer += chunk

    def evaluate(self, line, expect):
        """Sends one line and reads its output up to the next prompt, which must be `expect`."""
        self.socket.sendall(line + b"\n")
        reply = self.read_until(PROMPT)
        if reply != expect + PROMPT:
            raise SystemExit(f"python-manhole answered {reply!r} to {line!r}")


def main():
    session = Session(sys.argv[1])
    figures = measure(lambda _: session.evaluate(b"len(app.items)", expect=b"1000\n"))
    print_row("python-manhole 1.8 (unix socket, no auth): len(app.items)", figures)


if __name__ == "__main__":
    main()
