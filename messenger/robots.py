"""Talking to the group robots: which addresses are allowed, DingTalk's
signature, the message body each robot expects, and one HTTP POST.

DingTalk custom robot (钉钉/专有钉钉), "加签" security setting:
    string_to_sign = f"{timestamp}\\n{secret}"   (timestamp in milliseconds)
    sign = urlencode(base64(hmac_sha256(key=secret, msg=string_to_sign)))
sent as `&timestamp=…&sign=…` on the webhook address. A wrong signature is
answered with HTTP 200 and {"errcode": 310000, …}.
WeCom group robot (企业微信): authenticated by the `key` in its address
(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); nothing to sign.
Both answer {"errcode": 0, "errmsg": "ok"} on success and take `markdown`.

Only https addresses on MESSENGER_ALLOWED_HOSTS (the two official hosts by
default) are accepted, checked when a channel is added and again before each
send; redirects are not followed (the address must not lead elsewhere)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

DINGTALK, WECOM = "dingtalk", "wecom"
# Markdown limits: WeCom takes 4096 bytes; keep well below for both.
BODY_MAX_CHARS = 1000
# Answers that mean "try again later" (rate limits); any other errcode is final.
RETRYABLE_ERRCODES = {130101, 45009, -1}


class RobotError(Exception):
    """The robot did not take the message. `retryable`: a later attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable


def webhook_problem(kind: str, url: str) -> str | None:
    """Why this address may not be used as a robot's webhook (Chinese), or None."""
    try:
        parts = urllib.parse.urlsplit((url or "").strip())
    except ValueError:
        return "Webhook 地址格式不正确。"
    allowed_schemes = {"https"} if settings.MESSENGER_HTTPS_ONLY else {"https", "http"}
    if parts.scheme not in allowed_schemes or not parts.hostname:
        return "Webhook 地址须以 https:// 开头。"
    if parts.username or parts.password:
        return "Webhook 地址不能包含用户名或密码。"
    if parts.hostname.lower() not in {h.lower() for h in settings.MESSENGER_ALLOWED_HOSTS}:
        hosts = "、".join(settings.MESSENGER_ALLOWED_HOSTS)
        return f"Webhook 地址的主机不在允许范围内（{hosts}）。"
    query = urllib.parse.parse_qs(parts.query)
    if kind == WECOM and not query.get("key"):
        return "企业微信机器人的 Webhook 地址须包含 key 参数。"
    if kind == DINGTALK and ("sign" in query or "timestamp" in query):
        return "钉钉 Webhook 地址不应包含 timestamp 或 sign 参数（签名在发送时生成）。"
    return None


def webhook_hint(url: str) -> str:
    """Enough to recognise a robot, not enough to use it: host and the last 4 characters."""
    parts = urllib.parse.urlsplit(url.strip())
    return f"{parts.hostname}/…{url.strip()[-4:]}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature of a timestamp, URL-encoded, as it goes on the address."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def message_text(*, title: str, body: str, link: str) -> str:
    """The markdown both robots show: title, the body (clipped), a link to the portal."""
    body = (body or "").strip()
    if len(body) > BODY_MAX_CHARS:
        body = body[: BODY_MAX_CHARS - 1] + "…"
    lines = [f"### {title}"]
    if body:
        lines += ["", body.replace("\n", "  \n")]
    if link:
        lines += ["", f"[在平台中查看]({link})"]
    return "\n".join(lines)


def payload_for(kind: str, *, title: str, text: str) -> dict:
    if kind == DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # urllib's signature
        return None  # a 3xx is then an HTTPError: refused, never followed


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Sent:
    status: int
    answer: dict


def post(*, kind: str, url: str, secret: str, payload: dict, timestamp_ms: int) -> Sent:
    """POST one message; return the robot's answer, or raise RobotError."""
    problem = webhook_problem(kind, url)
    if problem:
        raise RobotError(problem, retryable=False)
    target = signed_url(url, secret, timestamp_ms) if kind == DINGTALK else url
    request = urllib.request.Request(
        target, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with _opener.open(request, timeout=settings.MESSENGER_TIMEOUT_SECONDS) as response:
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        retryable = exc.code >= 500 or exc.code == 429
        raise RobotError(f"HTTP {exc.code}", retryable=retryable) from exc
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RobotError(f"无法连接：{reason}", retryable=True) from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RobotError(f"HTTP {status}，应答不是 JSON", retryable=True) from exc
    errcode = answer.get("errcode") if isinstance(answer, dict) else None
    if errcode != 0:
        errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise RobotError(f"errcode {errcode}：{errmsg}", retryable=errcode in RETRYABLE_ERRCODES)
    return Sent(status, answer)
