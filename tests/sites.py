"""A small website on a loopback address that serves fixed responses and logs every
request it receives: a visitor's site whose assets the proxy fetches, or a hostile host
that must never hear from an agent's browser."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    content_type: str = "text/plain"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None  # answer only once it is set (a stalled site)


@dataclass
class Site:
    url: str  # origin, e.g. http://127.0.0.1:41234
    routes: dict[str, Reply]
    requests: list[dict] = field(default_factory=list)  # {"path", "headers"} as received

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def paths(self) -> list[str]:
        return [request["path"] for request in self.requests]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append({"path": self.path, "headers": dict(self.headers)})
            reply = site.routes.get(self.path.split("?", 1)[0]) or Reply(b"no", status=404)
            if reply.gate is not None:
                reply.gate.wait(timeout=60)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        do_POST = do_GET

        def log_message(self, format, *args) -> None:
            pass

    return Handler


@contextmanager
def serve_site(routes: dict[str, Reply], host: str = "127.0.0.1") -> Iterator[Site]:
    httpd = ThreadingHTTPServer((host, 0), None)  # handler set once the Site exists
    site = Site(url=f"http://{host}:{httpd.server_address[1]}", routes=routes)
    httpd.RequestHandlerClass = _handler(site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
