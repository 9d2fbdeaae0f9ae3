"""Two-factor sign-in (TOTP, django-otp): who must use it, and the services
that enrol and verify a device. The middleware and views only call these."""
from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import ObjectChange
from audit.services import change_record

DEVICE_NAME = "动态口令"


def two_factor_on() -> bool:
    """Two factors are in force unless both settings switch them off (the test
    settings do, for feature tests; tests/accounts/test_two_factor.py turns them on)."""
    return bool(settings.PORTAL_2FA_REQUIRED_ROLES) or bool(settings.PORTAL_2FA_FOR_ADMIN)


def is_privileged(user) -> bool:
    """A superuser or a staff account (the admin site): it can change other people's
    accounts, so a stolen password alone must never be enough."""
    return bool(user.is_superuser or user.is_staff)


def two_factor_required(user) -> bool:
    """Who must pass TOTP before ANY page (the portal's and the admin's): every
    privileged account, and the roles of PORTAL_2FA_REQUIRED_ROLES (coordinators)."""
    if not user.is_authenticated or not two_factor_on():
        return False
    return is_privileged(user) or user.role in settings.PORTAL_2FA_REQUIRED_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """A fresh unconfirmed device (any earlier unconfirmed one is discarded)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def totp_enrolment_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a first valid code; the session is verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    change_record(actor=request.user, instance=request.user, action=ObjectChange.Action.UPDATE,
                  before={}, after={}, comment="绑定动态口令（双因素认证）")
    return True


def totp_verify(*, request, token: str) -> bool:
    device = match_token(request.user, token.strip())
    if device is None:
        return False
    otp_login(request, device)
    return True


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (drawn here: no internet)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def base32_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
