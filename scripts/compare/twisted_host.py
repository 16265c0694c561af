"""The Twisted peer's host: an idle Twisted process serving Twisted Conch's manhole over plain
telnet (no authentication, no colouring: `manhole.Manhole`, not `ColoredManhole`), with the same
`app` as the python-manhole host, so the client can evaluate `len(app.items)`.

Usage: twisted_host.py. Listens on 127.0.0.1 on a free port and prints `port N` once it listens;
stops when its stdin closes (compare.sh holds it open).
"""

import sys

from twisted.conch import manhole, telnet
from twisted.conch.insults import insults
from twisted.internet import protocol, reactor, stdio


class App:
    """What the shell inspects: a thousand items, as python-manhole's host holds."""

    def __init__(self):
        self.items = list(range(1_000))


class StopOnClose(protocol.Protocol):
    """Stops the reactor when compare.sh closes our stdin, so the host never outlives it."""

    def connectionLost(self, reason):
        if reactor.running:
            reactor.stop()


def main():
    namespace = {"app": App()}
    factory = protocol.ServerFactory()
    # What manhole_tap builds for telnet, without its AuthenticatingTelnetProtocol: the telnet
    # options bootstrap, a terminal, and the manhole line editor evaluating into `namespace`.
    factory.protocol = lambda: telnet.TelnetTransport(
        telnet.TelnetBootstrapProtocol, insults.ServerProtocol, manhole.Manhole, namespace)
    serve(factory)


def serve(factory):
    """Listens with `factory` on a free loopback port, says `port N`, runs until stdin closes."""
    port = reactor.listenTCP(0, factory, interface="127.0.0.1")
    stdio.StandardIO(StopOnClose())
    print(f"port {port.getHost().port}", flush=True)
    reactor.run()


if __name__ == "__main__":
    sys.exit(main())
