"""A TCP balancer in front of several Tandem servers, as a proxy stands in production: each
new connection goes to the first server in its list that accepts one, so a connection that
dies with its server comes back on the next. Only 127.0.0.1 is ever used."""

import socket
import threading

from tests.servers import Server

_CHUNK = 65536


class Balancer:
    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers  # in order of preference; tests replace a restarted one
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        with self.lock:
            for conn in list(self.open):
                _drop(conn)

    def _backend(self) -> socket.socket | None:
        for server in list(self.servers):
            port = int(server.url.rsplit(":", 1)[1])
            try:
                return socket.create_connection(("127.0.0.1", port), timeout=2)
            except OSError:
                continue  # that server is down: the next one takes the connection
        return None

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            backend = self._backend()
            if backend is None:
                _drop(client)
                continue
            backend.settimeout(None)
            with self.lock:
                self.open |= {client, backend}
            for source, target in ((client, backend), (backend, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        """Copy one direction; when either side ends, both do (a server that died takes
        its clients' connections with it, as through a real proxy)."""
        try:
            while data := source.recv(_CHUNK):
                target.sendall(data)
        except OSError:
            pass
        with self.lock:
            self.open -= {source, target}
        _drop(source)
        _drop(target)


def _drop(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()
