"""Message texts: the built-in defaults, safe rendering and the checks staff
edits must pass.

A body is plain text with `{name}` placeholders. Rendering never raises: an
unknown placeholder, or one whose value is missing, is left as written, so a
typo in a template costs a strange-looking message, never a lost one. Staff
edits are checked up front instead (`check_body`), in Chinese.

The SMS signature (【阳光信访】) is not part of a body: the gateway adds it,
because providers check it against the registered signature separately."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
BODY_MAX = 300  # about four SMS segments; longer texts cost money and get cut by handsets

CASE_VALUES = frozenset({"number", "query_code", "note"})

PLACEHOLDER_LABELS = {
    "number": "信访事项编号",
    "query_code": "查询码",
    "note": "办理情况说明",
    "due": "评价截止日期",
    "code": "验证码",
    "minutes": "验证码有效分钟数",
}

# Realistic values for the preview in the admin and for tests.
SAMPLE_VALUES = {
    "number": "320213-2026-000123",
    "query_code": "ABCD2345EFGH",
    "note": "批准延期20日，办理期限延至2026年11月20日。延期理由：需要现场勘验",
    "due": "2026年12月20日",
    "code": "123456",
    "minutes": "10",
}


@dataclass(frozen=True)
class Default:
    name: str
    body: str
    required: frozenset[str]
    allowed: frozenset[str]
    channel: str = "sms"


def _case(name: str, body: str, *required: str, extra: tuple[str, ...] = ()) -> Default:
    return Default(name, body, frozenset(required or ("number",)), CASE_VALUES | frozenset(extra))


DEFAULTS: dict[str, Default] = {
    "registered": _case(
        "登记告知",
        "您的信访事项已登记，编号{number}，查询码{query_code}。请妥善保管查询码，可凭编号和查询码在阳光信访网站查询办理进度。",
        "number", "query_code"),
    "forwarded": _case(
        "转送交办告知",
        "您的信访事项（编号{number}）已转送有权处理的机关办理（{note}），请留意后续告知。"),
    "accepted": _case(
        "受理告知",
        "您的信访事项（编号{number}）已受理，办理机关将在法定期限内出具书面答复意见。可凭查询码在阳光信访网站查询办理进度。"),
    "declined": _case(
        "不予受理告知",
        "您的信访事项（编号{number}）经审查，{note}。详见书面告知书，也可凭查询码在阳光信访网站查看。"),
    "redirected": _case(
        "告知其他途径",
        "关于您的信访事项（编号{number}）：{note}。详见书面告知书，也可凭查询码在阳光信访网站查看。"),
    "refused_repeat": _case(
        "不再受理告知",
        "您反映的事项（编号{number}）已经复核终结，以同一事实和理由再次提出的，依法不再受理。"),
    "guided_down": _case(
        "逐级走访告知",
        "关于您的信访事项（编号{number}）：{note}。请按照逐级走访的规定，向有权处理的机关提出。"),
    "declined_above": _case(
        "上级机关不予受理告知",
        "关于您的信访事项（编号{number}）：{note}。"),
    "extended": _case(
        "延期告知",
        "您的信访事项（编号{number}）因情况复杂，经批准延长办理期限。{note}。"),
    "replied": _case(
        "答复告知",
        "您的信访事项（编号{number}）已出具书面答复意见，请凭查询码登录阳光信访网站查看。"
        "如对处理意见不服，可自收到书面答复之日起30日内请求复查。"),
    "evaluation_invitation": _case(
        "评价邀请",
        "您的信访事项（编号{number}）已答复，诚邀您于{due}前对办理情况作出评价（满意、基本满意、不满意）。"
        "请凭查询码{query_code}登录阳光信访网站评价。",
        "number", "query_code", extra=("due",)),
    "review_received": _case(
        "复查请求收悉告知",
        "您对信访事项（编号{number}）提出的复查请求已收到，复查机关将自收到之日起30日内提出复查意见。"),
    "review_decided": _case(
        "复查意见告知",
        "您的信访事项（编号{number}）复查意见已作出，请凭查询码登录阳光信访网站查看复查意见书。"
        "如对复查意见不服，可自收到之日起30日内请求复核。"),
    "reexamine_received": _case(
        "复核请求收悉告知",
        "您对信访事项（编号{number}）提出的复核请求已收到，复核机关将自收到之日起30日内提出复核意见。"),
    "reexamine_decided": _case(
        "复核意见告知",
        "您的信访事项（编号{number}）复核意见已作出，请凭查询码登录阳光信访网站查看复核意见书。复核意见为最终意见。"),
    "rehandle": _case(
        "重新办理告知",
        "您的信访事项（编号{number}）经督查，已责令原办理机关重新办理，办理结果将另行告知。"),
    "verification_code": Default(
        "短信验证码",
        "您的验证码为{code}，10分钟内有效。如非本人操作请忽略。",
        frozenset({"code"}), frozenset({"code", "minutes"})),
}


def placeholders(body: str) -> list[str]:
    """The placeholder names in `body`, in order of first appearance."""
    seen: dict[str, None] = {}
    for name in PLACEHOLDER_RE.findall(body or ""):
        seen.setdefault(name, None)
    return list(seen)


def _shorten(value: str, limit: int | None) -> str:
    # A trailing full stop would double the one the template puts after the value.
    value = value.strip().rstrip("。；;")
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def render(body: str, values: Mapping[str, object], *, value_limit: int | None = None) -> str:
    """Fill `{name}` placeholders from `values`; anything unknown stays as written.

    `value_limit` caps each value (notes can be whole reply letters; an SMS
    should point to the website instead)."""

    def fill(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if value is None:
            return m.group(0)
        return _shorten(str(value), value_limit)

    return PLACEHOLDER_RE.sub(fill, body or "")


def check_body(key: str, body: str) -> list[str]:
    """What is wrong with `body` for template `key` (Chinese), or []."""
    problems = []
    body = body or ""
    if not body.strip():
        return ["请填写通知内容"]
    if len(body) > BODY_MAX:
        problems.append(f"通知内容不能超过{BODY_MAX}个字（当前{len(body)}个字）")
    spec = DEFAULTS.get(key)
    if spec is None:
        return problems
    used = set(placeholders(body))
    for name in sorted(spec.required - used):
        problems.append(f"通知内容必须保留占位符{{{name}}}（{PLACEHOLDER_LABELS.get(name, name)}）")
    unknown = [n for n in placeholders(body) if n not in spec.allowed]
    if unknown:
        allowed = "、".join(f"{{{n}}}" for n in sorted(spec.allowed))
        problems.append(f"通知内容含有无法识别的占位符{'、'.join('{' + n + '}' for n in unknown)}，"
                        f"可用的占位符为：{allowed}")
    return problems


def help_text(key: str) -> str:
    spec = DEFAULTS.get(key)
    if spec is None:
        return ""
    allowed = "、".join(f"{{{n}}}{PLACEHOLDER_LABELS.get(n, '')}" for n in sorted(spec.allowed))
    required = "、".join(f"{{{n}}}" for n in sorted(spec.required))
    return f"可用占位符：{allowed}。必须保留：{required}。短信签名由系统自动添加，不必写入。"
