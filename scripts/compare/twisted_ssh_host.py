"""The Twisted peer's host over SSH (issue 20): an idle Twisted process serving Twisted Conch's
manhole over SSH, as `twistd manhole --sshPort` does (conch's `manhole_ssh` realm and factory),
but with the uncoloured `manhole.Manhole` and the same `app` as twisted_host.py, so the client can
evaluate `len(app.items)`. (twistd's own `ColoredManhole` re-colours the whole line at every
keystroke: several times slower per line; the uncoloured one is the telnet row's, and the fairer
baseline.) One account: USER, with the password in the environment's SSHPASS
(as sshpass reads it). The host key is Ed25519, like ours: read from KEY_FILE, or made there with
`cryptography` (mode 0600) when the file does not exist.

Usage: SSHPASS=... twisted_ssh_host.py KEY_FILE [USER]. Listens on 127.0.0.1 on a free port and
prints `port N` once it listens; stops when its stdin closes (compare.sh holds it open).
"""

import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from twisted.conch import manhole, manhole_ssh
from twisted.conch.insults import insults
from twisted.conch.ssh import keys
from twisted.cred import checkers, portal


from twisted_host import App, serve


def host_key(path):
    """The Ed25519 host key in `path` (OpenSSH format), made there first if it is missing."""
    if not os.path.exists(path):
        private = ed25519.Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
    with open(path, "rb") as file:
        return keys.Key.fromString(file.read())


def main():
    if len(sys.argv) not in (2, 3) or "SSHPASS" not in os.environ:
        raise SystemExit("usage: SSHPASS=PASSWORD twisted_ssh_host.py KEY_FILE [USER]")
    user = sys.argv[2] if len(sys.argv) == 3 else "admin"
    namespace = {"app": App()}
    # What manhole_tap builds for --sshPort: a terminal realm whose sessions run the manhole line
    # editor on an insults terminal, behind a portal with one password account.
    realm = manhole_ssh.TerminalRealm()
    realm.chainedProtocolFactory = lambda: insults.ServerProtocol(manhole.Manhole, namespace)
    accounts = checkers.InMemoryUsernamePasswordDatabaseDontUse(**{user: os.environ["SSHPASS"].encode()})
    factory = manhole_ssh.ConchFactory(portal.Portal(realm, [accounts]))
    key = host_key(sys.argv[1])
    factory.publicKeys = {key.sshType(): key.public()}
    factory.privateKeys = {key.sshType(): key}
    serve(factory)


if __name__ == "__main__":
    sys.exit(main())
