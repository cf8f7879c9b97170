"""E-mail notices through Django's mail framework (EMAIL_BACKEND from settings)."""

from __future__ import annotations

import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string

from .gateways import GatewayError


def message_id(idempotency_key: str) -> str:
    """A Message-ID derived from the idempotency key: if a crash makes us send
    twice, mail clients and archives see one message, not two."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{DNS_NAME}>"


def send_email(to: str, subject: str, text: str, *, idempotency_key: str) -> str:
    mid = message_id(idempotency_key)
    body = render_to_string("notifications/email.txt", {"text": text, "subject": subject})
    email = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers={"Message-ID": mid})
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused:
        raise GatewayError("收件地址被邮件服务器拒绝", retryable=False) from None
    except smtplib.SMTPResponseException as e:
        # 5xx is permanent (bad address, policy); 4xx is a temporary condition.
        raise GatewayError(f"邮件服务器返回 {e.smtp_code}", retryable=not 500 <= e.smtp_code < 600) from None
    except (smtplib.SMTPException, OSError) as e:
        raise GatewayError(f"无法连接邮件服务器：{type(e).__name__}", retryable=True) from None
    except ValueError:  # a malformed address or header
        raise GatewayError("收件地址格式不正确", retryable=False) from None
    return mid
