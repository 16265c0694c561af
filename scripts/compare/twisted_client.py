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
from repl_session import ReplSession



class Session(ReplSession):
    """One telnet session on the Twisted manhole."""

    def __init__(self, port):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().__init__(sock, "the Twisted manhole", b"\r\n")

    def evaluate(self, line, expect):
        """Types one line and reads the echo, the value and the next prompt; the value must be `expect`."""
        reply = self.send_line(line)
        # The echo of `line`, then the value on its own line, then the prompt.
        if b"\n" + expect + b"\r" not in reply:
            raise SystemExit(f"the Twisted manhole answered {reply!r} to {line!r}")


def main():
    session = Session(int(sys.argv[1]))
    figures = measure(lambda _: session.evaluate(b"len(app.items)", expect=b"1000"))
    print_row("Twisted Conch manhole (telnet, no auth): len(app.items)", figures)


if __name__ == "__main__":
    main()
