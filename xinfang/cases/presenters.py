"""What a viewer is allowed to read about the people in a case."""

from dataclasses import dataclass

from xinfang.lib.masking import mask_address, mask_id_number, mask_name, mask_phone
from xinfang.orgs.access import can_see_identity

from .models import Case


@dataclass
class PetitionerView:
    name: str
    id_number: str
    phone: str
    address: str
    gender: str
    is_lead: bool
    is_representative: bool


def petitioners_for(user, case: Case) -> tuple[list[PetitionerView], bool]:
    full = can_see_identity(user, case)
    views = []
    for link in case.petitioner_links.select_related("petitioner").order_by("-is_lead", "id"):
        p = link.petitioner
        views.append(
            PetitionerView(
                name=p.name if full else mask_name(p.name),
                id_number=p.id_number if full else mask_id_number(p.id_number or ""),
                phone=p.phone if full else mask_phone(p.phone or ""),
                address=p.address if full else mask_address(p.address or ""),
                gender=p.get_gender_display(),
                is_lead=link.is_lead,
                is_representative=link.is_representative,
            )
        )
    return views, full
