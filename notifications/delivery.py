"""Recording and delivering reminders: nothing sent twice, nothing lost.

A run (`reminders_run`) goes in three steps:

1. **collect** (rules.collect): what is due today, for whom; a fixed number
   of queries.
2. **record**: every reminder is inserted into ReminderSent as "pending" in
   ONE statement that ignores rows already there (INSERT … ON CONFLICT DO
   NOTHING on the unique (recipient, item type, item id, rule, date)). A
   second run, or a concurrent one, inserts nothing new.
3. **deliver**: person by person, in that person's own transaction: claim
   their pending rows (SELECT … FOR UPDATE SKIP LOCKED, so two workers never
   take the same rows), create their digest (unique per person, day and
   kind) and inbox entry, mark the rows delivered, commit; after commit the
   e-mail job is published. A crash after half the people leaves the rest
   pending: the next run delivers them, once.

E-mail goes out after commit through a Celery job with retries and backoff
(jobs.send_digest_email). If the broker is down, publishing fails quietly
(logged): the digest stays "pending" in the database and the next run (or
`manage.py send_reminders`) sends it. Nothing of a request depends on the
broker."""
from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import EmailPreference, User
from core import clock
from messenger.services import messenger_enqueue

from . import event_mail
from . import rules as R
from .links import absolute
from .models import Digest, Notification, ReminderRun, ReminderSent

logger = logging.getLogger(__name__)

Kind = Digest.Kind
EmailStatus = Digest.EmailStatus
# An unsent e-mail is retried by later runs for this long, this many times.
EMAIL_RETRY_DAYS = 3
EMAIL_MAX_ATTEMPTS = 12


# ---------------------------------------------------------------- step 2: record


_COLUMNS = ["recipient_id", "item_type", "item_id", "rule", "date", "subject", "due_date", "url", "detail"]


def _row(r: R.Reminder) -> list:
    return [r.recipient_id, r.item_type, r.item_id, r.rule, r.date.isoformat(), r.subject,
            r.due_date.isoformat() if r.due_date else None, r.url, r.detail]


def record(reminders: Iterable[R.Reminder]) -> int:
    """Insert the reminders as pending, ignoring those already recorded, in a
    single statement whatever their number; returns how many were new."""
    # One order for every run: two concurrent inserts then wait on each other
    # row by row instead of deadlocking.
    reminders = sorted(reminders, key=lambda r: r.key)
    if not reminders:
        return 0
    table = ReminderSent._meta.db_table
    key = "recipient_id, item_type, item_id, rule, date"
    columns = ", ".join([*_COLUMNS, "created_at", "status"])
    payload = json.dumps([_row(r) for r in reminders], ensure_ascii=False)
    now = clock.now()
    vendor = connection.vendor
    if vendor == "postgresql":
        sql = (
            f"INSERT INTO {table} ({columns}) "
            "SELECT (r->>0)::bigint, r->>1, (r->>2)::bigint, r->>3, (r->>4)::date, r->>5, (r->>6)::date, "
            "r->>7, r->>8, %s, %s FROM jsonb_array_elements(%s::jsonb) AS r "
            f"ON CONFLICT ({key}) DO NOTHING"
        )
        params = [now, ReminderSent.Status.PENDING, payload]
    elif vendor == "sqlite":
        picks = ", ".join(f"json_extract(value, '$[{n}]')" for n in range(len(_COLUMNS)))
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT {picks}, %s, %s FROM json_each(%s) WHERE true "
            f"ON CONFLICT ({key}) DO NOTHING"
        )
        params = [connection.ops.adapt_datetimefield_value(now), ReminderSent.Status.PENDING, payload]
    else:  # pragma: no cover - other databases: Django's portable way, in batches
        before = ReminderSent.objects.count()
        ReminderSent.objects.bulk_create(
            [ReminderSent(**{c: getattr(r, c) for c in _COLUMNS}, created_at=now) for r in reminders],
            ignore_conflicts=True, batch_size=2000,
        )
        return ReminderSent.objects.count() - before
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


# ---------------------------------------------------------------- step 3: deliver


def _kind_filter(kind: str) -> dict:
    return {"rule": R.FILING_DEADLINE} if kind == Kind.FILING_ALERT else {}


def _kind_exclude(kind: str) -> dict:
    return {} if kind == Kind.FILING_ALERT else {"rule": R.FILING_DEADLINE}


def _pending(on: dt.date, kind: str, catch_up: int):
    return (
        ReminderSent.objects.filter(
            status=ReminderSent.Status.PENDING, date__gte=on - dt.timedelta(days=catch_up), date__lte=on,
            **_kind_filter(kind),
        ).exclude(**_kind_exclude(kind))
    )


def digest_title(kind: str, on: dt.date, count: int) -> str:
    if kind == Kind.FILING_ALERT:
        return f"备案审核到期提醒：{count}件备案今日到期或已超期"
    return f"{R.cn_date(on)}待办提醒：共{count}项"


def _sections(lines: list[dict], limit: int | None) -> tuple[list[dict], int]:
    """Lines grouped in sections, at most `limit` lines in all; and how many were left out."""
    shown = lines if limit is None else lines[:limit]
    grouped: dict[str, list[dict]] = defaultdict(list)
    for line in shown:
        grouped[line["section"]].append(line)
    sections = [{"key": k, "title": t, "lines": grouped[k]} for k, t in R.SECTIONS if grouped.get(k)]
    return sections, len(lines) - len(shown)


def digest_body(lines: list[dict], limit: int) -> str:
    sections, more = _sections(lines, limit)
    parts = []
    for section in sections:
        parts.append(f"【{section['title']}】")
        parts.extend(f"{n}. {line['text']}" for n, line in enumerate(section["lines"], 1))
        parts.append("")
    if more:
        parts.append(f"……另有{more}项，请打开本消息查看全部。")
    return "\n".join(parts).strip()


# The columns a digest needs, read as plain tuples (a 60,000-line digest of a
# coordinator is not worth 60,000 model instances).
_CLAIMED = ["pk", "recipient_id", "item_type", "item_id", "rule", "date", "subject", "due_date", "url", "detail"]
Claimed = namedtuple("Claimed", _CLAIMED)


def digest_items(digest: Digest) -> list:
    return [Claimed(*row) for row in ReminderSent.objects.filter(digest=digest).order_by("pk").values_list(*_CLAIMED)]


@dataclass
class Delivered:
    digest: Digest
    lines: list[dict]


def deliver_to(*, recipient_id: int, on: dt.date, kind: str, rules: R.Rules, current: set | None,
               email_now: bool = False) -> Delivered | None:
    """Deliver one person's pending reminders as their digest of the day, in
    one transaction. Rows another worker holds are skipped (it delivers them);
    rows whose item is no longer due (`current` does not hold their key) are
    marked obsolete; if the person already has this day's digest, new rows
    wait for tomorrow's (one digest per person per day)."""
    with transaction.atomic():
        rows = [
            Claimed(*row) for row in _pending(on, kind, rules.catch_up_days).filter(recipient_id=recipient_id)
            .select_for_update(skip_locked=True).order_by("pk").values_list(*_CLAIMED)
        ]
        if current is not None:
            stale = [r.pk for r in rows if R.key_of(r) not in current]
            if stale:
                ReminderSent.objects.filter(pk__in=stale).update(status=ReminderSent.Status.OBSOLETE)
            rows = [r for r in rows if R.key_of(r) in current]
        if not rows:
            return None
        lines = R.digest_lines(rows, on)
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient_id=recipient_id,
                    category=Notification.Category.ALERT if kind == Kind.FILING_ALERT else Notification.Category.DIGEST,
                    title=digest_title(kind, on, len(lines)),
                    body=digest_body(lines, rules.digest_max_items),
                )
                digest = Digest.objects.create(
                    recipient_id=recipient_id, date=on, kind=kind, notification=note, item_count=len(lines),
                    email_status=EmailStatus.PENDING if rules.send_email else EmailStatus.SKIPPED,
                )
        except IntegrityError:
            return None  # today's digest exists (another run made it): these rows go out tomorrow
        ReminderSent.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=ReminderSent.Status.DELIVERED, digest=digest
        )
        # Work messenger (messenger app): the digest to the person's unit robot too, once per unit.
        messenger_enqueue(recipient_id=recipient_id, category=note.category, title=note.title, body=note.body)
        if digest.email_status == EmailStatus.PENDING:
            transaction.on_commit(partial(email_dispatch, digest.pk, now=email_now))
    return Delivered(digest, lines)


# ---------------------------------------------------------------- e-mail


def email_dispatch(digest_id: int, *, now: bool = False) -> None:
    """After commit: queue the e-mail job, or (now=True, the management
    command) send at once. Never raises: a broker or mail outage leaves the
    digest pending in the database for the next run."""
    try:
        if now:
            digest_email_send(digest_id=digest_id)
        else:
            from .jobs import send_digest_email  # inside: notifications.jobs imports this module (cycle)

            send_digest_email.apply_async(args=[digest_id], retry=False)
    except Exception:  # noqa: BLE001 - a request or a run must not fail for this
        logger.warning("提醒邮件未能%s（摘要 %s），将在下次运行时重试", "发送" if now else "排队", digest_id,
                       exc_info=True)


class PermanentEmailError(Exception):
    """The address itself is refused: retrying will not help."""


def _email_context(digest: Digest, recipient, lines: list[dict], limit: int) -> dict:
    for line in lines:
        line["absolute_url"] = absolute(line["url"])
    sections, more = _sections(lines, limit)
    inbox_url = absolute(reverse("notifications:detail", args=[digest.notification_id]))
    return {
        "recipient": recipient, "digest": digest, "date_text": R.cn_date(digest.date), "sections": sections,
        "more": more, "total": len(lines), "inbox_url": inbox_url, "site_title": str(settings.PORTAL["SITE_TITLE"]),
        "base_url": settings.PORTAL_BASE_URL,
    }


def digest_email(digest: Digest, recipient, *, limit: int) -> EmailMultiAlternatives:
    lines = R.digest_lines(digest_items(digest), digest.date)
    context = _email_context(digest, recipient, lines, limit)
    subject = f"【{context['site_title']}】{digest_title(digest.kind, digest.date, len(lines))}"
    text = render_to_string("notifications/email/digest.txt", context)
    html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def digest_email_send(*, digest_id: int) -> str:
    """Send one digest's e-mail unless it went already: "sent", "already",
    "skipped". The row is locked while sending, so a job delivered twice
    (acks_late after a crash) sends once; an exception leaves it "failed"
    for the job's retry and, failing that, the next run."""
    Digest.objects.filter(pk=digest_id, email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED]).update(
        email_attempts=F("email_attempts") + 1
    )
    try:
        with transaction.atomic():
            digest = Digest.objects.select_for_update().filter(pk=digest_id).first()
            if digest is None or digest.email_status in (EmailStatus.SENT, EmailStatus.SKIPPED):
                return "already"
            recipient = User.objects.get(pk=digest.recipient_id)
            if not recipient.email or not recipient.is_active or recipient.email_preference == EmailPreference.NEVER:
                digest.email_status = EmailStatus.SKIPPED
                digest.save(update_fields=["email_status"])
                return "skipped"
            message = digest_email(digest, recipient, limit=R.Rules.current().digest_max_items)
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                raise PermanentEmailError(str(exc)) from exc
            digest.email_status, digest.email_sent_at, digest.email_error = EmailStatus.SENT, clock.now(), ""
            digest.save(update_fields=["email_status", "email_sent_at", "email_error"])
            return "sent"
    except Exception as exc:
        Digest.objects.filter(pk=digest_id).exclude(email_status=EmailStatus.SENT).update(
            email_status=EmailStatus.SKIPPED if isinstance(exc, PermanentEmailError) else EmailStatus.FAILED,
            email_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        raise


def emails_unsent(*, now: dt.datetime | None = None) -> list[int]:
    """Digests whose e-mail has not gone out (broker or mail server was down)."""
    now = now or clock.now()
    return list(
        Digest.objects.filter(
            email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED],
            created_at__gte=now - dt.timedelta(days=EMAIL_RETRY_DAYS),
            email_attempts__lt=EMAIL_MAX_ATTEMPTS,
        ).order_by("pk").values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- the run


@dataclass
class RunResult:
    date: dt.date
    kind: str
    dry_run: bool = False
    due: int = 0
    new: int = 0
    requeued: int = 0
    event_emails: int = 0
    digests: list[Delivered] = field(default_factory=list)
    preview: dict[int, list[dict]] = field(default_factory=dict)  # dry run: recipient → lines

    @property
    def items(self) -> int:
        return sum(len(d.lines) for d in self.digests)

    def as_dict(self) -> dict:
        return {"date": self.date.isoformat(), "kind": str(self.kind), "due": self.due, "new": self.new,
                "digests": len(self.digests), "items": self.items, "requeued": self.requeued}


def _collect(on: dt.date, kind: str, rules: R.Rules) -> list[R.Reminder]:
    return R.collect_filing_deadlines(on, rules) if kind == Kind.FILING_ALERT else R.collect(on, rules)


def reminders_preview(*, on: dt.date, kind: str = Kind.DAILY) -> RunResult:
    """What a run would deliver now, writing nothing (send_reminders --dry-run)."""
    rules = R.Rules.current()
    found = _collect(on, kind, rules)
    result = RunResult(on, kind, dry_run=True, due=len(found))
    current = {r.key: r for r in found}
    done = set(
        ReminderSent.objects.filter(date__gte=on - dt.timedelta(days=rules.catch_up_days), date__lte=on)
        .exclude(status=ReminderSent.Status.PENDING)
        .values_list("recipient_id", "item_type", "item_id", "rule", "date")
    )
    has_digest = set(Digest.objects.filter(date=on, kind=kind).values_list("recipient_id", flat=True))
    by_person: dict[int, list] = defaultdict(list)
    for key, reminder in current.items():
        if key not in done and reminder.recipient_id not in has_digest:
            by_person[reminder.recipient_id].append(reminder)
    result.new = sum(len(v) for v in by_person.values())
    result.preview = {person: R.digest_lines(items, on) for person, items in sorted(by_person.items())}
    return result


def reminders_run(*, on: dt.date, kind: str = Kind.DAILY, trigger: str = "", email_now: bool = False) -> RunResult:
    """Collect, record and deliver one day's reminders. Idempotent: safe to run
    twice, or in two workers at once; after a crash, running again delivers
    what was left, once."""
    rules = R.Rules.current()
    run = ReminderRun.objects.create(date=on, kind=kind, trigger=trigger[:40])
    result = RunResult(on, kind)
    # E-mails a broker or mail outage held back: queue them again first.
    for digest_id in emails_unsent():
        email_dispatch(digest_id, now=email_now)
        result.requeued += 1
    found = _collect(on, kind, rules)
    result.due = len(found)
    result.new = record(found)
    current = {r.key for r in found}
    # Pending rows too old to send are given up (the catch-up window is over).
    ReminderSent.objects.filter(
        status=ReminderSent.Status.PENDING, date__lt=on - dt.timedelta(days=rules.catch_up_days)
    ).update(status=ReminderSent.Status.OBSOLETE)
    people = list(_pending(on, kind, rules.catch_up_days).order_by("recipient_id")
                  .values_list("recipient_id", flat=True).distinct())
    for person in people:
        delivered = deliver_to(recipient_id=person, on=on, kind=kind, rules=rules, current=current,
                               email_now=email_now)
        if delivered is not None:
            result.digests.append(delivered)
    if kind == Kind.DAILY:
        # Workflow messages of people who chose "汇入每日邮件" (and any a broker outage held back).
        result.event_emails = event_mail.digests_send(on=on)
    ReminderRun.objects.filter(pk=run.pk).update(
        finished_at=clock.now(), due_count=result.due, new_count=result.new,
        digest_count=len(result.digests), item_count=result.items,
    )
    return result


def reminders_ran(*, on: dt.date, kind: str = Kind.DAILY) -> bool:
    return ReminderRun.objects.filter(date=on, kind=kind, finished_at__isnull=False).exists()
