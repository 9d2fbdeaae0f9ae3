"""The official report prints whole: every row of the workbook is at least as
tall as LibreOffice's optimal height for its content, in the font the file names
(宋体, substituted on Linux) and in Noto Sans CJK (a Linux desktop's CJK font,
taller than SimSun). A row lower than that cuts its last lines when printed.

LibreOffice is driven through python3-uno by Debian's /usr/bin/python3 in a
subprocess (tests/reports/lo_row_heights.py). pdftotext is no check: it
extracts clipped text too. A PNG of the PDF's first page is kept under
var/artifacts/ for people to look at."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from reports import excel
from tasks.models import Assignment, Task
from tests.conftest import require

from .conftest import D, report

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]
ON = D(2026, 11, 10)
SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).with_name("lo_row_heights.py")
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "artifacts"
TOLERANCE = 10  # 1/100 mm: LibreOffice rounds heights to whole twips

# Long, realistic entries (a unit writes a paragraph with a numbered list and blank lines).
LONG_PROGRESS = (
    "一是召开专题推进会，细化本单位任务分工和时间节点，明确责任科室和责任人；\n"
    "二是开展政策宣传进社区、进企业活动，发放宣传资料1200余份，覆盖辖区11个街道；\n"
    "三是会同相关部门开展实地调研，摸清辖区婴幼儿照护服务需求，形成调研报告。"
)
LONG_NEXT = "继续按计划推进，确保完成年度目标；加强与牵头单位沟通，及时报送进展；开展督导检查，推动政策落地见效。"


def _lo_available() -> bool:
    if not (shutil.which("soffice") and Path(SYSTEM_PYTHON).exists()):
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def libreoffice():
    require(_lo_available(), "LibreOffice（libreoffice-calc-nogui 与 python3-uno）")
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    require(NOTO in fonts, f"字体 {NOTO}（fonts-noto-cjk）")


@pytest.fixture
def long_reports(plan_2020, users):
    """Every unit of every task reported at length: task 6 has a dozen units."""
    for task in Task.objects.filter(plan=plan_2020):
        for a in Assignment.objects.filter(task=task).select_related("department"):
            report(a, 2026, 10, submitted_on=D(2026, 10, 20), approved_on=D(2026, 10, 22), percent=50,
                   progress=LONG_PROGRESS, problems="部分基层单位人员力量不足，经费保障需进一步落实。",
                   next_steps=LONG_NEXT)


NOTO = "Noto Sans CJK SC"


def _measure(path: Path, tmp_path: Path) -> dict[str, list[dict]]:
    """{"": sheets in the file's own font (宋体, substituted), NOTO: in Noto Sans CJK}."""
    args = [SYSTEM_PYTHON, str(SCRIPT), str(path), str(tmp_path / "lo-profile"), NOTO]
    done = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"LibreOffice 测量失败：{done.stderr[-2000:]}"
    return json.loads(done.stdout)


def _too_low(sheets: list[dict]) -> list[str]:
    return [
        f"{s['name']} 第{r['row']}行：{r['written'] / 100:.1f} mm < 最佳 {r['optimal'] / 100:.1f} mm（{r['text'][:40]}）"
        for s in sheets for r in s["rows"]
        if r["written"] + TOLERANCE < r["optimal"]
    ] + [
        f"{s['name']} 第{a['row']}行第{a['col']}列（合并单元格）：{a['written'] / 100:.1f} mm < 最佳 {a['optimal'] / 100:.1f} mm"
        f"（{a['text'][:40]}）"
        for s in sheets for a in s["areas"]
        if a["written"] + TOLERANCE < a["optimal"]
    ]


def _write(user, tmp_path: Path, name: str, **filters) -> Path:
    path = tmp_path / name
    path.write_bytes(excel.progress_workbook_bytes(user=user, filters=excel.resolve_filters(user=user, **filters)))
    return path


def _keep_first_page_png(path: Path, tmp_path: Path, stem: str) -> None:
    """soffice → PDF, pdftoppm → PNG of page 1, under var/artifacts/ (a CI artifact)."""
    out = tmp_path / "pdf"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile-pdf'}", "--headless", "--invisible",
         "--convert-to", "pdf", "--outdir", str(out), str(path)],
        capture_output=True, timeout=240, check=True,
    )
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), "LibreOffice 未生成 PDF"
    require(bool(shutil.which("pdftoppm")), "pdftoppm（poppler-utils）")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / stem)], check=True, timeout=120)
    assert (ARTIFACTS / f"{stem}.png").stat().st_size > 0


def test_district_report_rows_fit_their_text(libreoffice, long_reports, users, tmp_path):
    path = _write(users["viewer"], tmp_path, "district.xlsx", on=ON)
    for font, sheets in _measure(path, tmp_path).items():
        assert [s["name"] for s in sheets] == ["任务进展", "分单位汇总", "托育机构汇总"]
        assert len(sheets[0]["rows"]) >= 18  # title, subtitle, header, 15 tasks
        problems = _too_low(sheets)
        assert not problems, f"{font or '宋体'}：" + "\n".join(problems)
    _keep_first_page_png(path, tmp_path, "progress-report-district")


def test_single_unit_report_rows_fit_their_text(libreoffice, long_reports, users, tmp_path):
    path = _write(users["officer"], tmp_path, "unit.xlsx", on=ON)
    for font, sheets in _measure(path, tmp_path).items():
        assert [s["name"] for s in sheets] == ["任务进展", "分单位汇总"]
        problems = _too_low(sheets)
        assert not problems, f"{font or '宋体'}：" + "\n".join(problems)
    _keep_first_page_png(path, tmp_path, "progress-report-unit")
