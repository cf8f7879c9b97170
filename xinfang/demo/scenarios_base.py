"""Building blocks shared by the petition scenario modules.

A :class:`Scenario` is data: pools of template sentences with ``{key}``
placeholders.  Placeholders are filled lazily by :class:`Ctx`, which invents
Wuxi-flavoured names, dates, amounts and numbers on first use and keeps them
for the rest of the text, so one petition talks about one estate, one company
and one amount of money throughout.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from xinfang.demo.scenarios_names import (
    COMMUNITY_HEADS,
    ESTATE_HEADS,
    ESTATE_TAILS,
    FIRM_HEADS,
    HOMETOWNS,
    INDUSTRIES,
    JOBS,
    SCENIC,
    SHOP_HEADS,
    SURNAME_WEIGHTS,
    SURNAMES,
    VILLAGES,
    Place,
    random_person,
    roads_for,
)

PURPOSES = ("claim", "appeal", "suggestion", "accusation", "inquiry", "other")

CURRENT_YEAR = 2025
CURRENT_MONTH = 10


@dataclass(frozen=True)
class Scenario:
    """One kind of story for a second-level category.

    ``facts`` is a list of narrative slots; each slot is a list of alternative
    templates.  A slot whose first item is ``"?"`` is optional.  Pools with as
    many alternatives as the first slot are read in step with it ("stories").
    ``group`` is the probability that the petition is written by a group
    ("我们"); ``openings``, when given, replace the role's shared openings.
    """

    code: str
    purpose: str
    role: str
    titles: list[str]
    facts: list[list[str]]
    demands: list[str]
    attempts: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)
    openings: list[str] = field(default_factory=list)
    group: float = 0.0
    vars: dict[str, list[str]] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    weight: float = 1.0
    # None: the role's shared background pool; []: no background sentences
    backgrounds: list[str] | None = None


def S(code: str, purpose: str, role: str, **kwargs) -> Scenario:  # noqa: N802
    """Terse constructor used by the scenario modules."""
    if purpose not in PURPOSES:
        raise ValueError(f"bad purpose {purpose!r}")
    return Scenario(code=code, purpose=purpose, role=role, **kwargs)


# ---------------------------------------------------------------------------
# Small formatting helpers
# ---------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def cn(n: int) -> str:
    """Chinese numeral for 0..99 (colloquial: 十二, 二十, 三十五)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def _wan(n: int) -> str:
    text = f"{n / 10000:.1f}".rstrip("0").rstrip(".")
    return f"{text}万元"


# ---------------------------------------------------------------------------
# Lazy placeholder context
# ---------------------------------------------------------------------------

Generator = Callable[["Ctx"], str]
GENERATORS: dict[str, Generator] = {}


def gen(*keys: str) -> Callable[[Generator], Generator]:
    def register(fn: Generator) -> Generator:
        for key in keys:
            GENERATORS[key] = fn
        return fn

    return register


class Ctx(dict):
    """Placeholder values, generated on first use and then kept."""

    def __init__(self, rng: random.Random, place: Place, group: bool,
                 scenario_vars: dict[str, list[str]] | None = None) -> None:
        super().__init__()
        self.rng = rng
        self.place = place
        self.group = group
        self.scenario_vars = scenario_vars or {}
        # "story" alignment: pools with as many alternatives as the first fact
        # slot are read at the same index, so parallel stories stay coherent.
        self.story = 0
        self.n_story = 0

    def __missing__(self, key: str) -> str:
        if key in self.scenario_vars:
            value = self.fill(self.rng.choice(self.scenario_vars[key]))
        elif key in GENERATORS:
            value = GENERATORS[key](self)
            if key in self:  # multi-key generators store all their values
                return dict.__getitem__(self, key)
        elif key[-1:].isdigit() and key[:-1] in GENERATORS:
            # "{estate2}": another value of the same kind, different from the first
            base = self[key[:-1]]
            value = base
            for _ in range(6):
                value = GENERATORS[key[:-1]](_Fresh(self))
                if value != base:
                    break
        else:
            raise KeyError(key)
        self[key] = value
        return value

    def fill(self, template: str) -> str:
        return template.format_map(self)

    def pick(self, pool: list[str]) -> str:
        return self.fill(self.rng.choice(pool))

    def pick_story(self, pool: list[str]) -> str:
        """Like :meth:`pick`, but aligned with the chosen story when possible."""
        if self.n_story > 1 and len(pool) == self.n_story:
            return self.fill(pool[self.story])
        return self.pick(pool)

    def num(self, a: int, b: int) -> int:
        return self.rng.randint(a, b)


class _Fresh(Ctx):
    """A throw-away context sharing rng/place, used for "{key2}" values."""

    def __init__(self, parent: Ctx) -> None:
        super().__init__(parent.rng, parent.place, parent.group)


@gen("district")
def _g_district(c: Ctx) -> str:
    return c.place.district


@gen("street")
def _g_street(c: Ctx) -> str:
    return c.place.street


@gen("wo")
def _g_wo(c: Ctx) -> str:
    return "我们" if c.group else "我"


@gen("wojia")
def _g_wojia(c: Ctx) -> str:
    return "我们几家" if c.group else "我家"


@gen("road")
def _g_road(c: Ctx) -> str:
    return c.rng.choice(roads_for(c.place.district))


@gen("addr_no")
def _g_addr_no(c: Ctx) -> str:
    return f"{c.num(1, 888)}号"


@gen("estate")
def _g_estate(c: Ctx) -> str:
    name = c.rng.choice(ESTATE_HEADS) + c.rng.choice(ESTATE_TAILS)
    if c.rng.random() < 0.12:
        name += c.rng.choice(["二期", "三期", "东区", "北区"])
    return name


@gen("community")
def _g_community(c: Ctx) -> str:
    return c.rng.choice(COMMUNITY_HEADS) + "社区"


@gen("building")
def _g_building(c: Ctx) -> str:
    n = c.num(1, 36)
    return f"{n}号楼" if c.rng.random() < 0.35 else f"{n}幢"


@gen("room")
def _g_room(c: Ctx) -> str:
    return f"{c.num(1, 18)}0{c.num(1, 4)}室"


@gen("floor")
def _g_floor(c: Ctx) -> str:
    return f"{c.num(2, 18)}楼"


@gen("village")
def _g_village(c: Ctx) -> str:
    return c.rng.choice(VILLAGES) + "村"


@gen("group_no")
def _g_group_no(c: Ctx) -> str:
    return f"{c.num(1, 16)}组"


def _person(c: Ctx) -> str:
    return random_person(c.rng)[0]


GENERATORS["name"] = _person
GENERATORS["off_name"] = _person


@gen("sur")
def _g_sur(c: Ctx) -> str:
    return c.rng.choices(SURNAMES[:40], weights=SURNAME_WEIGHTS[:40], k=1)[0]


@gen("boss")
def _g_boss(c: Ctx) -> str:
    sur = c.rng.choices(SURNAMES[:40], weights=SURNAME_WEIGHTS[:40], k=1)[0]
    return c.rng.choice([f"{sur}老板", f"老板{sur}某", f"{sur}总", f"{sur}经理"])


@gen("foreman")
def _g_foreman(c: Ctx) -> str:
    sur = c.rng.choices(SURNAMES[:40], weights=SURNAME_WEIGHTS[:40], k=1)[0]
    return c.rng.choice([f"包工头{sur}某", f"包工头老{sur}", f"班组长{sur}某某"])


def _firm(c: Ctx, key: str, full: str, short: str, industries: list[str]) -> str:
    head = c.rng.choice(FIRM_HEADS)
    ind = c.rng.choice(industries)
    city = "江阴市" if c.place.district == "江阴市" else (
        "宜兴市" if c.place.district == "宜兴市" else c.rng.choice(["无锡", "无锡市", "江苏"]))
    c[full] = f"{city}{head}{ind}有限公司"
    c[short] = f"{head}公司" if c.rng.random() < 0.6 else f"{head}{ind}"
    return c[key]


@gen("company", "company_s")
def _g_company(c: Ctx) -> str:
    return _firm(c, "company", "company", "company_s", INDUSTRIES)


@gen("builder", "builder_s")
def _g_builder(c: Ctx) -> str:
    return _firm(c, "builder", "builder", "builder_s",
                 ["建设工程", "建筑安装工程", "装饰工程", "劳务", "市政工程"])


@gen("property", "property_s")
def _g_property(c: Ctx) -> str:
    head = c.rng.choice(FIRM_HEADS)
    kind = c.rng.choice(["物业管理", "物业服务"])
    c["property"] = f"无锡{head}{kind}有限公司"
    c["property_s"] = f"{head}物业"
    return c["property"]


@gen("developer", "developer_s")
def _g_developer(c: Ctx) -> str:
    head = c.rng.choice(FIRM_HEADS)
    kind = c.rng.choice(["置业", "房地产开发"])
    c["developer"] = f"无锡{head}{kind}有限公司"
    c["developer_s"] = f"{head}{kind}" if kind == "置业" else f"{head}地产"
    return c["developer"]


@gen("company_old")
def _g_company_old(c: Ctx) -> str:
    return c.rng.choice([
        f"原无锡第{cn(c.num(1, 8))}棉纺织厂", f"原无锡市{c.rng.choice(FIRM_HEADS)}机械厂",
        "原无锡电子仪表厂", f"原{c.place.district}供销社", "原无锡丝绸印染厂",
        f"原无锡{c.rng.choice(FIRM_HEADS)}化工厂", "原无锡柴油机配件厂",
    ])


@gen("project")
def _g_project(c: Ctx) -> str:
    return c.rng.choice(ESTATE_HEADS) + c.rng.choice(["花园", "华府", "名都", "广场"]) + \
        c.rng.choice(["二期", "三期", "", ""]) + "项目"


@gen("school", "grade", "kid_age")
def _g_school(c: Ctx) -> str:
    head = c.rng.choice(COMMUNITY_HEADS + ["育才", "实验", "东林", "崇宁", "天一"])
    kind = c.rng.choice(["primary", "primary", "middle", "kinder"])
    if kind == "primary":
        c["school"] = head + c.rng.choice(["小学", "实验小学", "中心小学"])
        n = c.num(1, 6)
        c["grade"], c["kid_age"] = f"{cn(n)}年级", cn(n + 6)
    elif kind == "middle":
        c["school"] = head + c.rng.choice(["中学", "初级中学", "实验学校"])
        n = c.num(1, 3)
        c["grade"], c["kid_age"] = "初" + cn(n), cn(n + 12)
    else:
        c["school"] = head + c.rng.choice(["幼儿园", "实验幼儿园"])
        n = c.num(0, 2)
        c["grade"], c["kid_age"] = ["小班", "中班", "大班"][n], cn(n + 3)
    return c["school"]


@gen("hospital")
def _g_hospital(c: Ctx) -> str:
    head = c.rng.choice(FIRM_HEADS + COMMUNITY_HEADS)
    return c.rng.choice([
        f"{c.place.district}人民医院", f"无锡{head}医院", f"{c.place.street}社区卫生服务中心",
        f"无锡{head}中西医结合医院", f"{c.place.district}中医医院", f"无锡{head}骨科医院",
    ])


@gen("clinic")
def _g_clinic(c: Ctx) -> str:
    head = c.rng.choice(SHOP_HEADS)
    return c.rng.choice([f"{head}口腔诊所", f"{head}医疗美容门诊部", f"{head}诊所",
                         f"{head}中医门诊部"])


def _shop(kinds: list[str]) -> Generator:
    def g(c: Ctx) -> str:
        return c.rng.choice(SHOP_HEADS) + c.rng.choice(kinds)

    return g


GENERATORS["shop"] = _shop(["超市", "便利店", "家电", "数码", "家具城", "建材店", "母婴店"])
GENERATORS["restaurant"] = _shop(["饭店", "酒家", "烧烤", "面馆", "火锅店", "小龙虾"])
GENERATORS["gym"] = _shop(["健身", "健身会所", "瑜伽馆", "游泳健身"])
GENERATORS["training"] = _shop(["教育", "培训中心", "英语", "艺术培训", "编程", "书画院"])
GENERATORS["beauty"] = _shop(["美容院", "美发店", "美容美体", "养生馆"])
GENERATORS["market"] = _shop(["农贸市场", "菜场"])
GENERATORS["hotel"] = _shop(["大酒店", "宾馆", "快捷酒店", "民宿"])
GENERATORS["pharmacy"] = _shop(["大药房", "药店", "医药连锁店"])
GENERATORS["dschool"] = _shop(["驾校", "驾驶培训学校"])
GENERATORS["farm_store"] = _shop(["农资店", "农资经营部", "种子店"])
GENERATORS["agency"] = _shop(["旅行社", "国际旅行社"])


@gen("law_firm")
def _g_law_firm(c: Ctx) -> str:
    return f"江苏{c.rng.choice(FIRM_HEADS)}律师事务所"


@gen("shop_head")
def _g_shop_head(c: Ctx) -> str:
    return c.rng.choice(SHOP_HEADS)


@gen("scenic")
def _g_scenic(c: Ctx) -> str:
    return c.rng.choice(SCENIC)


@gen("bus_line")
def _g_bus_line(c: Ctx) -> str:
    return f"{c.num(2, 168)}路"


@gen("metro_line")
def _g_metro_line(c: Ctx) -> str:
    return f"地铁{c.num(1, 5)}号线"


@gen("plate")
def _g_plate(c: Ctx) -> str:
    chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return "苏B" + "".join(c.rng.choice(chars) for _ in range(5))


@gen("hometown")
def _g_hometown(c: Ctx) -> str:
    return c.rng.choice(HOMETOWNS)


@gen("job")
def _g_job(c: Ctx) -> str:
    return c.rng.choice(JOBS)


_OFFICIAL_UNITS = [
    ("{street}{village}村委会", ["党总支书记", "村主任", "村会计", "副主任"]),
    ("{street}{community}居委会", ["党委书记", "主任", "副主任"]),
    ("{street}办事处", ["副主任", "城建科科长", "经济服务中心主任", "社会事业科科长"]),
    ("{district}{bureau}", ["科长", "副局长", "办公室主任", "执法大队长"]),
    ("{street}综合执法中队", ["中队长", "副中队长"]),
]


@gen("bureau")
def _g_bureau(c: Ctx) -> str:
    return c.rng.choice(["住房和城乡建设局", "城市管理局", "农业农村局", "自然资源和规划分局",
                         "市场监督管理局", "民政局", "人力资源和社会保障局", "水利局"])


@gen("off", "off_unit", "off_pos")
def _g_off(c: Ctx) -> str:
    unit_t, positions = c.rng.choice(_OFFICIAL_UNITS)
    if "off_unit" not in c.scenario_vars and "off_unit" not in c:
        c["off_unit"] = c.fill(unit_t)
    if "off_pos" not in c.scenario_vars and "off_pos" not in c:
        c["off_pos"] = c.rng.choice(positions)
    c["off"] = f"{c['off_unit']}{c['off_pos']}{c['off_name']}"
    return c["off"]


# --- time -----------------------------------------------------------------


@gen("date")
def _g_date(c: Ctx) -> str:
    r = c.rng
    m = r.randint(1, CURRENT_MONTH - 3)
    d = r.randint(1, 28)
    return r.choice([
        f"{CURRENT_YEAR}年{m}月", f"{CURRENT_YEAR - 1}年{r.randint(1, 12)}月", f"去年{r.randint(3, 12)}月",
        "去年年底", "今年年初", "今年春节前", "今年春节后", "去年夏天", "去年国庆前后",
        f"{m}月{d}号", f"{CURRENT_YEAR}年{m}月{d}日", f"今年{m}月中旬", f"今年{m}月底",
    ])


@gen("date_recent")
def _g_date_recent(c: Ctx) -> str:
    r = c.rng
    return r.choice([
        f"上个月{r.randint(1, 28)}号", f"上周{r.choice('一二三四五六')}", "前几天", "前天",
        f"本月{r.randint(1, 20)}日", "半个月前", f"{cn(r.randint(3, 9))}天前", "上个月底",
        f"{CURRENT_MONTH - 1}月{r.randint(1, 30)}日",
    ])


@gen("date_old")
def _g_date_old(c: Ctx) -> str:
    r = c.rng
    y = r.randint(2012, 2022)
    return r.choice([f"{y}年", f"{y}年{r.randint(1, 12)}月", "十几年前", "前年",
                     f"{y}年年底", f"{y}年下半年"])


@gen("duration")
def _g_duration(c: Ctx) -> str:
    return c.rng.choice(["三个多月", "半年多", "一年多", "两个多月", "大半年", "四个月",
                         "一个多月", "两年多", "五个多月", "快一年"])


@gen("work_years")
def _g_work_years(c: Ctx) -> str:
    return c.rng.choice(["三年多", "五年", "七八年", "十来年", "两年", "六年多", "一年多"])


@gen("days")
def _g_days(c: Ctx) -> str:
    return c.rng.choice(["十来天", "一个多星期", "二十多天", "半个月", "五六天", "一个礼拜"])


@gen("years")
def _g_years(c: Ctx) -> str:
    return c.rng.choice(["二十多年", "十几年", "三十年", "七八年", "五年多", "四十多年",
                         "十多年", "大半辈子"])


@gen("night")
def _g_night(c: Ctx) -> str:
    return c.rng.choice(["晚上十点以后", "凌晨一两点", "半夜十二点多", "每天早上五点多",
                         "晚上十一点多", "凌晨三四点"])


# --- numbers and money -----------------------------------------------------


@gen("money_s")
def _g_money_s(c: Ctx) -> str:
    n = c.num(3, 98) * 100
    if n >= 1000 and c.rng.random() < 0.25:
        return f"{cn(n // 1000)}千多块钱"
    return f"{n}元"


@gen("money_m")
def _g_money_m(c: Ctx) -> str:
    n = c.num(12, 198) * 1000
    roll = c.rng.random()
    if roll < 0.5:
        return _wan(n)
    if roll < 0.8:
        return f"{n}元"
    return f"{cn(n // 10000)}万多块钱"


@gen("money_l")
def _g_money_l(c: Ctx) -> str:
    n = c.num(20, 600)
    return f"{n}万元" if c.rng.random() < 0.7 else f"{n}多万元"


@gen("wage")
def _g_wage(c: Ctx) -> str:
    return f"{c.num(40, 95) * 100}元"


@gen("area")
def _g_area(c: Ctx) -> str:
    return f"{c.num(45, 144)}平方米"


@gen("age")
def _g_age(c: Ctx) -> str:
    return str(c.num(26, 62))


@gen("age_old")
def _g_age_old(c: Ctx) -> str:
    return str(c.num(68, 92))


@gen("n_hh")
def _g_n_hh(c: Ctx) -> str:
    n = c.num(2, 40) * 10
    return c.rng.choice([f"{n}多户", f"{n}余户", "近百户", "几十户", f"{n}多户"])


def _crowd(c: Ctx, noun: str) -> str:
    n = c.num(1, 6) * 10
    return c.rng.choice([f"{n}多{noun}", f"{n}余{noun}", f"十几{noun}", f"{cn(n)}多{noun}"])


GENERATORS["n_workers"] = lambda c: _crowd(c, "名")
GENERATORS["n_people"] = lambda c: _crowd(c, "位")
GENERATORS["n_parents"] = lambda c: _crowd(c, "位")


@gen("n_calls")
def _g_n_calls(c: Ctx) -> str:
    return c.rng.choice(["好几", "五六", "七八", "十几", "三四", "不下十"])


@gen("n_small")
def _g_n_small(c: Ctx) -> str:
    return cn(c.num(2, 9))
