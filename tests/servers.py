"""Private servers for tests that stop and start them: never the shared Redis
on 6379 (other tests and other people use it). A free loopback port each."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _real_clock_env() -> dict[str, str]:
    """The environment without libfaketime: under the calendar pass (FAKETIME=… make test)
    the portal's clock is faked, not the servers' — and redis-server's allocator
    recurses into libfaketime's clock_gettime and never starts."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


class OwnRedis:
    """`redis-server --port <free> --save '' --appendonly no`, started and stopped at will."""

    binary = shutil.which("redis-server")

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> OwnRedis:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_real_clock_env(),
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server 未能在端口 {self.port} 启动")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


# What settings give a Redis broker (yuzhong_care/settings/base.py): a publish gives up fast.
REDIS_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3, "max_retries": 1,
                 "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def reset_broker_connections():
    """Close and forget the Celery app's cached broker connections, so the next publish uses the new URL."""
    from kombu import pools as kombu_pools

    from yuzhong_care.celery import app

    kombu_pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def broker(url: str, *, eager: bool = False, **conf):
    """The Celery app on another broker (a closed port, a private Redis, the filesystem) for a block."""
    from yuzhong_care.celery import app

    keys = ["broker_url", "task_always_eager", "broker_transport_options", *conf]
    saved = {key: app.conf.get(key) for key in keys}
    app.conf.update(broker_url=url, task_always_eager=eager, broker_transport_options=REDIS_OPTIONS, **conf)
    reset_broker_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset_broker_connections()
