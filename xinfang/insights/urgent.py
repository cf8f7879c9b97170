"""Urgent-content alerts (扬言预警) on new submissions.

A lexicon of threats — self-harm, violence, mass gathering, other extreme acts
— matched clause by clause. A match is ignored when the clause negates or
forbids it just before the word (不会跳楼, 防止聚集), and a few everyday
compounds are masked first (跳楼价, 爆炸性新闻). This is the plain, explainable
rule the design asks for: every alert names the words and clauses that fired.
Measured by `python manage.py measure_urgent_alerts`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from .models import Alert, AlertKind, AlertLevel

# Hand-labelled texts (1 = should alert) used by the test and the measure command.
SAMPLE_PATH = Path(__file__).parent / "data" / "urgent_sample.csv"

LEXICON: dict[str, tuple[str, ...]] = {
    AlertKind.SELF_HARM: (
        "自杀", "轻生", "跳楼", "跳河", "跳江", "喝农药", "服毒", "喝药", "上吊", "自焚", "割腕", "卧轨",
        "寻死", "寻短见", "以死相逼", "以死明志", "以死抗争", "一死了之", "不想活了", "死给你们看",
        "死在政府", "死在你们", "结束自己的生命", "了结自己", "活不下去",
    ),
    AlertKind.VIOLENCE: (
        "同归于尽", "杀了他", "杀了他们", "杀人", "砍人", "砍死", "捅死", "弄死", "报复社会", "炸毁", "带炸药",
        "炸掉", "炸了", "放火", "纵火", "泼汽油", "血债血偿", "跟他们拼了", "和他们拼了", "拼命",
        "以命相搏", "以命抵命",
    ),
    AlertKind.EXTREME: (
        "鱼死网破", "极端行为", "极端手段", "极端方式", "过激行为", "过激行动", "不惜一切代价", "后果自负",
    ),
    AlertKind.GATHERING: (
        "集体上访", "组织上访", "群体上访", "进京上访", "赴京上访", "到北京上访", "去北京上访", "进京", "围堵",
        "去堵路", "集体堵路", "堵大门", "堵政府", "拉横幅", "拉条幅", "打横幅", "静坐", "游行", "游行示威",
        "聚众上访", "聚众维权", "冲击政府", "群体性事件", "集体到市政府", "集体去市政府", "集体到省政府",
    ),
}
# Hyperbole common in ordinary petitions ("这样下去一家人活不下去"): still an
# alert, but one level lower.
SOFT = frozenset(["活不下去", "拼命", "后果自负", "不惜一切代价"])
LEVEL = {AlertKind.SELF_HARM: AlertLevel.RED, AlertKind.VIOLENCE: AlertLevel.RED,
         AlertKind.EXTREME: AlertLevel.ORANGE, AlertKind.GATHERING: AlertLevel.ORANGE}
SEVERITY = [AlertKind.SELF_HARM, AlertKind.VIOLENCE, AlertKind.EXTREME, AlertKind.GATHERING]
# Everyday words containing a lexicon word.
MASKS = ("跳楼价", "跳楼甩卖", "跳楼大甩卖", "拼命工作", "拼命干活", "拼命学习", "拼命挣钱", "拼命赚钱",
         "进京务工", "进京赶考", "进京办事", "静坐式", "打工拼命", "旅游行", "爆炸", "头都要炸", "头要炸",
         "头都炸", "炸了锅", "一哭二闹三上吊", "杀人门", "围堵小区", "拥堵", "减轻生")
# A negation or prohibition shortly before the word turns it off.
NEGATORS = ("不会", "不想", "不要", "不能", "不得", "没有", "没", "并未", "并非", "不是", "绝不", "决不", "从未",
            "从没", "防止", "避免", "以免", "劝阻", "劝", "严禁", "禁止", "杜绝", "谨防", "预防", "无需", "不必",
             "不至于", "未", "别")
NEGATION_WINDOW = 12
_CLAUSE = re.compile(r"[。！？!?；;，,\n]")
# Most submissions contain no lexicon word at all: one search over the whole
# text answers that before the clause-by-clause work (masking only ever
# removes matches, so no word anywhere means no match).
_ANY_WORD = re.compile("|".join(re.escape(w) for words in LEXICON.values() for w in words))


@dataclass(frozen=True)
class Match:
    word: str
    kind: str
    clause: str


def _negated(clause: str, pos: int) -> bool:
    before = clause[max(0, pos - NEGATION_WINDOW):pos]
    return any(n in before for n in NEGATORS)


def scan(text: str) -> list[Match]:
    """Every non-negated lexicon match, clause by clause."""
    found: list[Match] = []
    if not _ANY_WORD.search(text or ""):
        return found
    for clause in _CLAUSE.split(text or ""):
        masked = clause
        for m in MASKS:
            masked = masked.replace(m, "\u3000" * len(m))
        for kind, words in LEXICON.items():
            for word in words:
                start = masked.find(word)
                while start >= 0:
                    if not _negated(masked, start):
                        found.append(Match(word, str(kind), clause.strip()[:80]))
                        break
                    start = masked.find(word, start + 1)
    return found


def classify(matches: list[Match]) -> tuple[str, str] | None:
    """(kind, level) of the most severe match, or None."""
    if not matches:
        return None
    kinds = {m.kind for m in matches}
    kind = next(k for k in SEVERITY if k in kinds)
    hard = [m for m in matches if m.kind == kind and m.word not in SOFT]
    level = LEVEL[AlertKind(kind)] if hard else AlertLevel.ORANGE
    return str(kind), str(level)


def submission_text(case, submission, is_new_case: bool) -> str:
    parts = [submission.content]
    if is_new_case:
        parts = [case.title, case.content, case.demands]
    return "\n".join(p for p in parts if p)


def raise_alert(case, submission, *, is_new_case: bool) -> Alert | None:
    """Write the alert for this submission (at most one) and notify the
    leaders and supervisors of the registering org and the bureaus above."""
    matches = scan(submission_text(case, submission, is_new_case))
    verdict = classify(matches)
    if verdict is None:
        return None
    kind, level = verdict
    alert, created = Alert.objects.get_or_create(
        submission=submission,
        defaults={"case": case, "kind": kind, "level": level, "created_at": timezone.now(),
                  "matches": [{"word": m.word, "kind": m.kind, "clause": m.clause} for m in matches[:10]]},
    )
    if created:
        from xinfang.cases.special import alert_leaders
        from xinfang.orgs.models import Role

        words = "、".join(dict.fromkeys(m.word for m in matches[:5]))
        text = (f"扬言预警（{AlertLevel(level).label[:2]}）：信访事项 {case.number} 的来件含「{words}」"
                f"（{AlertKind(kind).label}），请立即研判处置")
        n = alert_leaders(case, submission.received_by_org, text[:300], roles=(Role.LEADER, Role.SUPERVISOR),
                          kind="content_alert")
        Alert.objects.filter(pk=alert.pk).update(notified=n)
        alert.notified = n
    return alert


def on_submission_received(sender, case, submission, is_new_case: bool, **kwargs) -> None:
    raise_alert(case, submission, is_new_case=is_new_case)
