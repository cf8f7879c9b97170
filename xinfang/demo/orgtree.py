"""The demo org tree of Wuxi (无锡市) and the demo staff accounts.

Real structure, invented people: 江苏省 → 无锡市 → its five districts and two
county-level cities → every town and street, each with its government, its
petition bureau and the usual departments."""

from django.contrib.auth.models import Permission
from django.db import transaction

from xinfang.accounts.models import User
from xinfang.orgs.models import Membership, Org, OrgKind, Region, Role

PROVINCE, CITY = "32", "3202"
COUNTIES = ["320213", "320205", "320206", "320211", "320214", "320281", "320282"]
# 梁溪 lx, 锡山 xs, 惠山 hs, 滨湖 bh, 新吴 xw, 江阴 jy, 宜兴 yx
COUNTY_KEYS = dict(zip(COUNTIES, ["lx", "xs", "hs", "bh", "xw", "jy", "yx"], strict=True))

CITY_DEPARTMENTS = [
    ("gongan", "公安局"),
    ("zhujian", "住房和城乡建设局"),
    ("renshe", "人力资源和社会保障局"),
    ("shengtai", "生态环境局"),
    ("jiaoyu", "教育局"),
    ("weijian", "卫生健康委员会"),
    ("ziran", "自然资源和规划局"),
    ("shijian", "市场监督管理局"),
    ("jiaotong", "交通运输局"),
    ("chengguan", "城市管理局"),
    ("minzheng", "民政局"),
    ("nongye", "农业农村局"),
    ("sifa", "司法局"),
    ("shangwu", "商务局"),
    ("wenlv", "文化广电和旅游局"),
    ("gongxin", "工业和信息化局"),
    ("fagai", "发展和改革委员会"),
]
COUNTY_DEPARTMENTS = [
    ("gongan", "公安分局"),
    ("zhujian", "住房和城乡建设局"),
    ("renshe", "人力资源和社会保障局"),
    ("jiaoyu", "教育局"),
    ("weijian", "卫生健康委员会"),
    ("chengguan", "城市管理局"),
    ("minzheng", "民政局"),
    ("shijian", "市场监督管理局"),
]

DEMO_PASSWORD = "Xinfang@2026"  # noqa: S105 - demo only; printed by `make run`


def _org(name, kind, region, parent=None, superior=None, remit="", **extra) -> Org:
    org, _ = Org.objects.get_or_create(
        region_id=region, name=name,
        defaults={"kind": kind, "parent": parent, "superior": superior, "remit": remit, **extra},
    )
    return org


def _town_org_name(street: Region) -> str:
    if street.name.endswith("街道"):
        return f"{street.name}办事处"
    if street.name.endswith("镇") or street.name.endswith("乡"):
        return f"{street.name}人民政府"
    return f"{street.name}管理委员会"


@transaction.atomic
def build_org_tree() -> dict[str, Org]:
    """Create the tree (idempotent) and return the orgs demo users sit in, by key."""
    keys: dict[str, Org] = {}
    js_gov = _org("江苏省人民政府", OrgKind.GOVERNMENT, PROVINCE, address="南京市北京西路68号")
    keys["js_bureau"] = _org("江苏省信访局", OrgKind.BUREAU, PROVINCE, js_gov, js_gov,
                             address="南京市北京西路70号", phone="025-83392114", reception_hours="工作日 8:30-12:00，14:00-17:30")
    wx_gov = _org("无锡市人民政府", OrgKind.GOVERNMENT, CITY, js_gov, js_gov, address="无锡市观山路199号")
    keys["wx_gov"] = wx_gov
    keys["wx_bureau"] = _org("无锡市信访局", OrgKind.BUREAU, CITY, wx_gov, wx_gov,
                             address="无锡市观山路199号市民中心", phone="0510-81821234", reception_hours="工作日 8:30-12:00，13:30-17:30")
    for remit, dept in CITY_DEPARTMENTS:
        keys[f"wx_{remit}"] = _org(f"无锡市{dept}", OrgKind.DEPARTMENT, CITY, wx_gov, wx_gov, remit)
    keys["wx_jiwei"] = _org("无锡市纪委监委", OrgKind.DISCIPLINE, CITY, None, js_gov, "jiwei")
    keys["wx_zhengfa"] = _org("无锡市委政法委", OrgKind.POLITICO_LEGAL, CITY, None, wx_gov, "zhengfa")
    keys["wx_third"] = _org("无锡市信访事项第三方评议中心", OrgKind.THIRD_PARTY, CITY, None, None, "third_party")

    for code in COUNTIES:
        region = Region.objects.get(code=code)
        k = COUNTY_KEYS[code]
        gov = _org(f"{region.name}人民政府", OrgKind.GOVERNMENT, code, wx_gov, wx_gov)
        keys[f"{k}_gov"] = gov
        keys[f"{k}_bureau"] = _org(f"{region.name}信访局", OrgKind.BUREAU, code, gov, gov,
                                   phone=f"0510-8{COUNTIES.index(code) + 1}{code[-3:]}0000",
                                   reception_hours="工作日 8:30-11:30，13:30-17:00")
        for remit, dept in COUNTY_DEPARTMENTS:
            keys[f"{k}_{remit}"] = _org(f"{region.name}{dept}", OrgKind.DEPARTMENT, code, gov, gov, remit)
        for street in Region.objects.filter(parent_id=code):
            org = _org(_town_org_name(street), OrgKind.GOVERNMENT, street.code, gov, gov, "town")
            keys.setdefault(f"{k}_town", org)  # the first town of each county hosts a demo user
    return keys


# (username, full name, org key, role, is_staff) — every role at several levels.
DEMO_USERS = [
    ("js_leader", "周省信访", "js_bureau", Role.LEADER, False),
    ("js_supervisor", "吴督查", "js_bureau", Role.SUPERVISOR, False),
    ("wx_registrar", "钱登记", "wx_bureau", Role.REGISTRAR, False),
    ("wx_leader", "孙局长", "wx_bureau", Role.LEADER, False),
    ("wx_supervisor", "李督查", "wx_bureau", Role.SUPERVISOR, False),
    ("wx_analyst", "郑分析", "wx_bureau", Role.ANALYST, False),
    ("wxgov_leader", "王市长", "wx_gov", Role.LEADER, False),
    ("wx_zj_handler", "冯承办", "wx_zhujian", Role.HANDLER, False),
    ("wx_zj_leader", "陈处长", "wx_zhujian", Role.LEADER, False),
    ("wx_rs_handler", "褚承办", "wx_renshe", Role.HANDLER, False),
    ("wx_ga_handler", "卫承办", "wx_gongan", Role.HANDLER, False),
    ("wx_evaluator", "蒋评议", "wx_third", Role.EVALUATOR, False),
    ("lx_registrar", "沈登记", "lx_bureau", Role.REGISTRAR, False),
    ("lx_leader", "韩局长", "lx_bureau", Role.LEADER, False),
    ("lx_supervisor", "杨督查", "lx_bureau", Role.SUPERVISOR, False),
    ("lx_zj_handler", "朱承办", "lx_zhujian", Role.HANDLER, False),
    ("lx_town_handler", "秦承办", "lx_town", Role.HANDLER, False),
    ("jy_registrar", "尤登记", "jy_bureau", Role.REGISTRAR, False),
    ("jy_handler", "许承办", "jy_zhujian", Role.HANDLER, False),
    ("yx_registrar", "何登记", "yx_bureau", Role.REGISTRAR, False),
    ("sysadmin", "吕系统", "wx_bureau", Role.SYSADMIN, True),
    ("secadmin", "施安全", "wx_bureau", Role.SECADMIN, True),
    ("auditor", "张审计", "wx_bureau", Role.AUDITOR, True),
]


# 三权分立: the system admin maintains regions, orgs, categories and accounts
# (superuser in the demo); the security admin manages accounts and their roles;
# the auditor may only read.
ADMIN_PERMISSIONS = {
    Role.SECADMIN: ["view_user", "change_user", "view_membership", "change_membership", "add_membership",
                    "delete_membership", "view_org"],
    Role.AUDITOR: ["view_user", "view_membership", "view_org", "view_region"],
}


@transaction.atomic
def create_demo_users(keys: dict[str, Org], password: str = DEMO_PASSWORD) -> list[tuple[str, str, str, str]]:
    """Create the demo accounts if missing. Returns (username, name, org, role) rows."""
    rows = []
    for username, full_name, org_key, role, is_staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "is_staff": is_staff, "is_superuser": username == "sysadmin"},
        )
        if created:
            user.set_password(password)
            user.save()
        org = keys[org_key]
        Membership.objects.get_or_create(user=user, org=org, role=role)
        if role in ADMIN_PERMISSIONS:
            user.user_permissions.add(*Permission.objects.filter(codename__in=ADMIN_PERMISSIONS[role]))
        rows.append((username, full_name, org.name, Role(role).label))
    return rows
