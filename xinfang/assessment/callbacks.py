"""What a third-party evaluator may see of a sampled case: only what a
call-back needs. The masked name to greet, the phone number to dial (shown to
the assigned evaluator only), the case title and a masked summary of the reply.
Never the ID number, the address or the petition's content."""

from dataclasses import dataclass

from xinfang.cases.models import CasePetitioner
from xinfang.cases.models_procedure import LetterKind, ReplyLetter
from xinfang.lib.masking import mask_name, mask_text

from .models import SampledCase

SUMMARY_CHARS = 200


@dataclass(frozen=True)
class CallbackCard:
    sampled_id: int
    number: str
    title: str
    petitioner: str  # masked
    phone: str
    reply_org: str
    reply_summary: str  # masked, truncated
    replied_at: str


def card(sampled: SampledCase) -> CallbackCard:
    case = sampled.case
    lead = (CasePetitioner.objects.filter(case=case).select_related("petitioner")
            .order_by("-is_lead", "id").first())
    letter = (ReplyLetter.objects.filter(case=case, kind=LetterKind.REPLY, signed_at__isnull=False)
              .select_related("org").order_by("-signed_at", "-id").first())
    summary = mask_text(letter.text) if letter else ""
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS] + "…"
    return CallbackCard(
        sampled_id=sampled.pk, number=case.number, title=mask_text(case.title),
        petitioner=mask_name(lead.petitioner.name) if lead and not case.is_anonymous else "（匿名）",
        phone=lead.petitioner.phone if lead and not case.is_anonymous else "",
        reply_org=letter.org.name if letter else "", reply_summary=summary,
        replied_at=f"{letter.signed_at:%Y-%m-%d}" if letter and letter.signed_at else "",
    )
