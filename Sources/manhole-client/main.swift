print("manhole-client: not built yet; see the client issue")
