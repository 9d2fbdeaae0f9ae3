"""The pages of the events work: the e-mail preference page and the confirmation
pages of final actions (提交备案, 予以备案, 删除材料, 确认完成). Each: anonymous →
login, wrong role → 403, another unit's / institution's object → 404, the
right user → the page; and opening a confirmation page changes nothing."""
import pytest
from django.urls import reverse

from institutions.models import Filing, FilingDocument
from progress.models import AssignmentCompletion

from .world import build_world

pytestmark = pytest.mark.django_db


def _status(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _anonymous_goes_to_login(client, url):
    response = _status(client, None, url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.fixture
def registry(users):
    return build_world(users, progress=False)


@pytest.fixture
def progress_world(users):
    return build_world(users, institutions=False)


def test_email_preference_page_is_everyones_own(client, users):
    url = reverse("notifications:preferences")
    _anonymous_goes_to_login(client, url)
    for user in users.values():
        response = _status(client, user, url)
        assert response.status_code == 200 and "邮件通知设置" in response.content.decode(), user.role
    officer, other = users["officer"], users["other_officer"]
    client.force_login(officer)
    assert client.post(url, {"email_preference": "never"}).status_code == 302
    officer.refresh_from_db(), other.refresh_from_db()
    assert officer.email_preference == "never" and other.email_preference == "immediate"  # one's own only
    response = client.post(url, {"email_preference": "hourly"})
    assert response.status_code == 200 and "请选择一种邮件通知方式。" in response.content.decode()
    officer.refresh_from_db()
    assert officer.email_preference == "never"
    client.logout()
    assert client.post(url, {"email_preference": "digest"}).status_code == 302
    officer.refresh_from_db()
    assert officer.email_preference == "never"


def test_filing_submit_confirmation(client, registry):
    w = registry
    url = reverse("institutions:filing-submit", args=[w.filing.pk])
    _anonymous_goes_to_login(client, url)
    for wrong_role in (w.viewer, w.registrar, w.officer, w.leader):
        assert _status(client, wrong_role, url).status_code == 403
    assert _status(client, w.other_operator, url).status_code == 404
    page = _status(client, w.operator, url)
    html = page.content.decode()
    assert page.status_code == 200 and "提交备案" in html and 'id="confirm-action"' in html and 'id="cancel-action"' in html
    assert _status(client, w.coordinator, url).status_code == 200  # on the institution's behalf
    w.filing.refresh_from_db()
    assert w.filing.status == Filing.Status.DRAFT  # opening the page submits nothing


def test_filing_approve_confirmation(client, registry):
    w = registry
    url = reverse("institutions:filing-approve", args=[w.submitted_filing.pk])
    _anonymous_goes_to_login(client, url)
    for wrong_role in (w.viewer, w.registrar, w.officer, w.operator, w.other_operator):
        assert _status(client, wrong_role, url).status_code == 403
    page = _status(client, w.coordinator, url)
    assert page.status_code == 200 and "予以备案" in page.content.decode()
    w.submitted_filing.refresh_from_db()
    assert w.submitted_filing.status == Filing.Status.SUBMITTED and not w.submitted_filing.receipt_number
    # The 确认 of the page posts to the same address, and only that files it.
    client.force_login(w.coordinator)
    assert client.post(url).status_code == 302
    w.submitted_filing.refresh_from_db()
    assert w.submitted_filing.status == Filing.Status.FILED


def test_document_delete_confirmation(client, registry):
    w = registry
    url = reverse("institutions:document-delete", args=[w.document.pk])
    _anonymous_goes_to_login(client, url)
    for wrong_role in (w.viewer, w.registrar, w.officer):
        assert _status(client, wrong_role, url).status_code == 403
    assert _status(client, w.other_operator, url).status_code == 404
    page = _status(client, w.operator, url)
    assert page.status_code == 200 and w.document.original_name in page.content.decode()
    assert FilingDocument.objects.filter(pk=w.document.pk).exists()  # nothing deleted by looking


def test_completion_decision_confirmation(client, progress_world):
    w = progress_world
    base = reverse("progress:completion-decide", args=[w.completion.pk])
    url = base + "?decision=accept&comment=同意"
    _anonymous_goes_to_login(client, url)
    for wrong_role in (w.viewer, w.officer, w.registrar, w.operator):
        assert _status(client, wrong_role, url).status_code == 403
    assert _status(client, w.other_leader, url).status_code == 404  # another unit's leader: out of scope
    other = reverse("progress:completion-decide", args=[w.other_completion.pk]) + "?decision=accept"
    assert _status(client, w.leader, other).status_code == 404
    page = _status(client, w.leader, url)
    html = page.content.decode()
    assert page.status_code == 200 and "确认任务完成" in html and 'name="decision" value="accept"' in html
    assert AssignmentCompletion.objects.get(pk=w.completion.pk).state == "claimed"
