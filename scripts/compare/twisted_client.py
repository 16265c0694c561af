"""Measures Twisted Conch's manhole over plain telnet: one session evaluating `len(app.items)`,
with method.py's method.

The manhole is a line editor on a terminal: it echoes each character typed, and after a return
writes the value and the next `>>> ` prompt. The client sends the line and its return (telnet's
CR LF: a lone CR waits for the byte after it) in one write and reads until that prompt. It leaves
the server's telnet option requests unanswered, as a client that supports none of them would (the
server then keeps its defaults).

Usage: twisted_client.py PORT
"""

import socket
import sys

from method import measure, print_row

PROMPT = b">>> "


class Session:
    """One telnet session on the Twisted manhole."""

    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        # The telnet option requests and the first prompt are skipped whatever they hold: the first
        # prompt after a marker's value (which its echoed source does not contain) starts the session.
        self.socket.sendall(b"'manhole-' + 'sync'\r\n")
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
                raise SystemExit(f"the Twisted manhole closed the session; last output: {self.buffer[-200:]!r}")
            self.buffer += chunk

    def evaluate(self, line, expect):
        """Types one line and reads the echo, the value and the next prompt; the value must be `expect`."""
        self.socket.sendall(line + b"\r\n")
        reply = self.read_until(PROMPT)
        # The echo of `line`, then the value on its own line, then the prompt.
        if b"\n" + expect + b"\r" not in reply:
            raise SystemExit(f"the Twisted manhole answered {reply!r} to {line!r}")


def main():
    session = Session(int(sys.argv[1]))
    figures = measure(lambda _: session.evaluate(b"len(app.items)", expect=b"1000"))
    print_row("Twisted Conch manhole (telnet, no auth): len(app.items)", figures)


if __name__ == "__main__":
    main()
