"""The python-manhole peer's host: an idle Python process that installs python-manhole (1.8) on a
unix socket and holds an `app` whose `items` the client reads back with `len(app.items)`.

Usage: pymanhole_host.py SOCKET_PATH. Prints `ready` once the socket listens; runs until its
stdin closes (compare.sh holds it open), so it never outlives the script that started it.
"""

import os
import sys
import time

import manhole


class App:
    """What the shell inspects: a thousand items, as the Swift side's `app.items`."""

    def __init__(self):
        self.items = list(range(1_000))


def main():
    path = sys.argv[1]
    manhole.install(socket_path=path, locals={"app": App()}, verbose=False, patch_fork=False)
    # The manhole thread binds the socket on its own; say "ready" only once a client can connect.
    deadline = time.monotonic() + 30
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            sys.exit(f"python-manhole did not create {path} within 30 s")
        time.sleep(0.01)
    print("ready", flush=True)
    # The host is idle: its main thread waits for compare.sh to close our stdin.
    sys.stdin.read()


if __name__ == "__main__":
    main()
