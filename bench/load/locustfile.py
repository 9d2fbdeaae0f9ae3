"""Mixed workload against a running portal (loopback only):
officers submit reports with a PDF, leaders review, viewers read dashboards,
now and then someone downloads the Excel report."""
import json
import random
import re
from pathlib import Path
from urllib.parse import urlparse

from locust import HttpUser, between, task

ACCOUNTS = json.loads((Path(__file__).resolve().parents[1] / "results" / "load-users.json").read_text())
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 20_000
ASSIGNMENT = re.compile(r'/progress/assignments/(\d+)/"')
REPORT_LINK = re.compile(r"/progress/reports/(\d+)/")
PERIOD_LINK = re.compile(r"/progress/assignments/(\d+)/report/(\d+)/(\d+)/")


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    role = ""

    def on_start(self):
        # Sessions are made by prepare.py (signing in is PBKDF2 by design: ~0.4 s of CPU).
        host = urlparse(self.host).hostname
        self.client.cookies.set("sessionid", random.choice(ACCOUNTS[self.role]), domain=host, path="/")

    def get(self, url, *, name):
        """A page that must render for the signed-in user (a login redirect is an error)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.ok and "/accounts/login/" in response.url:
                response.failure("会话失效：被重定向到登录页")
            return response

    def post(self, url, data, *, name, files=None):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(url, data=data, files=files, name=name, catch_response=True) as response:
            if response.ok and "/accounts/login/" in response.url:
                response.failure("会话失效：被重定向到登录页")
            return response


class Officer(PortalUser):
    role = "officer"
    weight = 4

    @task(3)
    def my_tasks(self):
        self.get("/progress/my/", name="我的任务")

    @task(2)
    def submit_report(self):
        page = self.get("/progress/my/", name="我的任务")
        assignments = ASSIGNMENT.findall(page.text)
        if not assignments:
            return
        detail = self.get(f"/progress/assignments/{random.choice(assignments)}/", name="任务分工页")
        slots = PERIOD_LINK.findall(detail.text)
        if not slots:
            return
        pk, year, month = random.choice(slots)
        url = f"/progress/assignments/{pk}/report/{year}/{month}/"
        self.get(url, name="填报表单")
        self.post(url, {"progress": "本期按计划推进，完成入户指导与宣传。", "percent": random.randint(10, 90),
                        "problems": "无", "next_steps": "继续推进", "action": "submit"},
                  files={"evidence": ("佐证.pdf", PDF, "application/pdf")}, name="提交报告（含PDF）")


class Leader(PortalUser):
    role = "leader"
    weight = 2

    @task
    def review(self):
        queue = self.get("/progress/review/", name="待审核")
        reports = REPORT_LINK.findall(queue.text)
        if reports:
            pk = random.choice(reports)
            self.get(f"/progress/reports/{pk}/", name="报告详情")
            self.post(f"/progress/reports/{pk}/approve/", {"comment": "同意"}, name="审核通过")


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
        self.get("/dashboards/excel/", name="Excel 报表")
