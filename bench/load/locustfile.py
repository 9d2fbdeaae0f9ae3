"""Mixed workload against a running portal (loopback only):
officers submit reports with a PDF, leaders review, viewers read dashboards,
now and then someone downloads the Excel report.

Users are locust's FastHttpUser (geventhttpclient): the load generator shares
the machine's two cores with the server, and the requests-based HttpUser spent
several times more CPU per request. A form POST is timed on its own and the
page it redirects to is then fetched as a browser would, under that page's name."""
import json
import random
import re
import uuid
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlparse

from locust import FastHttpUser, between, task

ACCOUNTS = json.loads((Path(__file__).resolve().parents[1] / "results" / "load-users.json").read_text())
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 20_000
ASSIGNMENT = re.compile(r'/progress/assignments/(\d+)/"')
REPORT_LINK = re.compile(r"/progress/reports/(\d+)/")
PERIOD_LINK = re.compile(r"/progress/assignments/(\d+)/report/(\d+)/(\d+)/")
LOGIN_PATH = "/accounts/login/"
LOGIN_FORM = 'name="password"'


def _cookie(name: str, value: str, host: str) -> Cookie:
    return Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {})


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body (FastHttpUser takes bytes, not `files=`)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n")
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    role = ""

    def on_start(self):
        # Sessions are made by prepare.py (signing in is PBKDF2 by design: ~0.4 s of CPU).
        self.host_name = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(_cookie("sessionid", random.choice(ACCOUNTS[self.role]), self.host_name))

    def csrf_token(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def get(self, url, *, name):
        """A page that must render for the signed-in user (a login page is an error)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and LOGIN_FORM in (response.text or ""):
                response.failure("会话失效：被重定向到登录页")
            return response

    def post(self, url, data, *, name, after, files=None):
        """A form POST that must redirect (the form was accepted); the page it
        redirects to is then opened under the name `after`."""
        fields = {**data, "csrfmiddlewaretoken": self.csrf_token()}
        body, content_type = multipart(fields, files or {})
        headers = {"Content-Type": content_type, "Referer": self.host + url}
        with self.client.post(url, data=body, headers=headers, name=name, catch_response=True,
                              allow_redirects=False) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or not location or location.startswith(LOGIN_PATH):
                response.failure(f"表单未被接受：HTTP {response.status_code} {location}")
                return
        self.get(location, name=after)


class Officer(PortalUser):
    role = "officer"
    weight = 4

    @task(3)
    def my_tasks(self):
        self.get("/progress/my/", name="我的任务")

    @task(2)
    def submit_report(self):
        page = self.get("/progress/my/", name="我的任务")
        assignments = ASSIGNMENT.findall(page.text or "")
        if not assignments:
            return
        detail = self.get(f"/progress/assignments/{random.choice(assignments)}/", name="任务分工页")
        slots = PERIOD_LINK.findall(detail.text or "")
        if not slots:
            return
        pk, year, month = random.choice(slots)
        url = f"/progress/assignments/{pk}/report/{year}/{month}/"
        self.get(url, name="填报表单")
        self.post(url, {"progress": "本期按计划推进，完成入户指导与宣传。", "percent": random.randint(10, 90),
                        "problems": "无", "next_steps": "继续推进", "action": "submit"},
                  files={"evidence": ("佐证.pdf", PDF, "application/pdf")}, name="提交报告（含PDF）",
                  after="报告详情")


class Leader(PortalUser):
    role = "leader"
    weight = 2

    @task
    def review(self):
        queue = self.get("/progress/review/", name="待审核")
        reports = REPORT_LINK.findall(queue.text or "")
        if reports:
            pk = random.choice(reports)
            self.get(f"/progress/reports/{pk}/", name="报告详情")
            self.post(f"/progress/reports/{pk}/approve/", {"comment": "同意"}, name="审核通过", after="报告详情")


class Viewer(PortalUser):
    role = "viewer"
    weight = 3

    @task(4)
    def district(self):
        self.get("/dashboards/district/", name="总览看板")

    @task(2)
    def task_list(self):
        self.get("/tasks/", name="任务清单")

    @task(2)
    def task_dashboard(self):
        self.get(f"/dashboards/tasks/{random.randint(1, 15)}/", name="任务看板")

    @task(1)
    def excel(self):
        self.get("/dashboards/excel/?download=1", name="Excel 报表")
