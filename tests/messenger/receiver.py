"""A local stand-in for DingTalk's and WeCom's robot endpoints: a real HTTP
server in a thread that checks each request as the services do and records it.

- POST /robot/send?access_token=T&timestamp=…&sign=… (DingTalk): the token must
  be known, the timestamp (ms) within an hour of now, and the sign must equal
  base64(hmac_sha256(secret, f"{timestamp}\\n{secret}")) computed here with the
  shared secret; otherwise HTTP 200 with errcode 310000 (wrong sign) or 300001
  (unknown token), as DingTalk answers.
- POST /cgi-bin/webhook/send?key=K (WeCom): an unknown key is errcode 93000.
- `fail_next = n`: the next n requests get HTTP 500 (a passing outage)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Hit:
    path: str
    query: dict
    payload: dict | None
    answer: dict | None
    status: int


@dataclass
class Receiver:
    dingtalk: dict = field(default_factory=dict)  # access token → secret
    wecom: set = field(default_factory=set)  # keys
    fail_next: int = 0
    redirect_to: str = ""  # answer every request with a 302 there (a robot must not follow it)
    hits: list[Hit] = field(default_factory=list)
    base_url: str = ""

    def accepted(self) -> list[dict]:
        return [h.payload for h in self.hits if h.status == 200 and h.answer and h.answer["errcode"] == 0]

    def dingtalk_url(self, token: str) -> str:
        return f"{self.base_url}/robot/send?access_token={token}"

    def wecom_url(self, key: str) -> str:
        return f"{self.base_url}/cgi-bin/webhook/send?key={key}"

    # --- checks, as the real services make them
    def _dingtalk(self, query: dict) -> dict:
        token = query.get("access_token", [""])[0]
        if token not in self.dingtalk:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        secret = self.dingtalk[token]
        timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
        if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
            return {"errcode": 310000, "errmsg": "timestamp invalid"}
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        if not hmac.compare_digest(sign, expected):
            return {"errcode": 310000, "errmsg": "sign not match"}
        return {"errcode": 0, "errmsg": "ok"}

    def _wecom(self, query: dict) -> dict:
        if query.get("key", [""])[0] not in self.wecom:
            return {"errcode": 93000, "errmsg": "invalid webhook url, please check"}
        return {"errcode": 0, "errmsg": "ok"}

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        query = urllib.parse.parse_qs(parts.query)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        try:
            payload = json.loads(raw.decode("utf-8"))
        except ValueError:
            payload = None
        if self.redirect_to:
            self.hits.append(Hit(parts.path, query, payload, None, 302))
            handler.send_response(302)
            handler.send_header("Location", self.redirect_to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if self.fail_next > 0:
            self.fail_next -= 1
            status, answer = 500, None
        elif parts.path == "/robot/send":
            status, answer = 200, self._dingtalk(query)
        elif parts.path == "/cgi-bin/webhook/send":
            status, answer = 200, self._wecom(query)
        else:
            status, answer = 404, None
        if answer is not None and answer["errcode"] == 0 and not _valid_message(payload):
            answer = {"errcode": 40035, "errmsg": "invalid message"}
        self.hits.append(Hit(parts.path, query, payload, answer, status))
        body = json.dumps(answer).encode() if answer is not None else b"Internal Server Error"
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if answer is not None else "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _valid_message(payload) -> bool:
    """A markdown message as both robots document it."""
    if not isinstance(payload, dict) or payload.get("msgtype") != "markdown":
        return False
    markdown = payload.get("markdown") or {}
    return bool(markdown.get("text") and markdown.get("title")) or bool(markdown.get("content"))


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self):
        self.server.receiver.handle(self)

    def log_message(self, *args):  # quiet
        pass


def start() -> tuple[Receiver, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)  # port 0: a free port
    receiver = Receiver(base_url=f"http://127.0.0.1:{server.server_address[1]}")
    server.receiver = receiver
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
