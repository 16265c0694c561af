"""A session on a Python REPL served over a socket (python-manhole, Twisted's manhole): the
greeting skipped, then lines sent and read up to the next `>>> ` prompt."""

PROMPT = b">>> "


class ReplSession:
    """One REPL session on a connected socket; `name` is the peer's, for errors, and `newline`
    what ends a line on its wire."""

    def __init__(self, sock, name, newline):
        self.socket = sock
        self.name = name
        self.newline = newline
        self.buffer = b""
        # The greeting (banners, telnet option requests, the first prompt) is skipped whatever it
        # holds: the first prompt after a marker's value (which its source line does not contain)
        # starts the session.
        self.socket.sendall(b"'manhole-' + 'sync'" + newline)
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
                raise SystemExit(f"{self.name} closed the session; last output: {self.buffer[-200:]!r}")
            self.buffer += chunk

    def send_line(self, line):
        """Sends `line` and returns everything up to and including the next prompt."""
        self.socket.sendall(line + self.newline)
        return self.read_until(PROMPT)
