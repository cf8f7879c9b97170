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

PURPOSES = ("claim", "appeal", "suggestion", "accusation", "inquiry", "other")

CURRENT_YEAR = 2025
CURRENT_MONTH = 10


@dataclass(frozen=True)
class Place:
    district: str
    street: str


@dataclass(frozen=True)
class Scenario:
    """One kind of story for a second-level category.

    ``facts`` is a list of narrative slots; each slot is a list of alternative
    templates.  A slot whose first item is ``"?"`` is optional.  ``group`` is
    the probability that the petition is written by a group ("我们").
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


def S(code: str, purpose: str, role: str, **kwargs) -> Scenario:  # noqa: N802
    """Terse constructor used by the scenario modules."""
    if purpose not in PURPOSES:
        raise ValueError(f"bad purpose {purpose!r}")
    return Scenario(code=code, purpose=purpose, role=role, **kwargs)


# ---------------------------------------------------------------------------
# Wuxi geography
# ---------------------------------------------------------------------------

WUXI_PLACES: dict[str, list[str]] = {
    "梁溪区": ["崇安寺街道", "通江街道", "广瑞路街道", "上马墩街道", "江海街道",
            "广益街道", "迎龙桥街道", "南禅寺街道", "清名桥街道", "金星街道",
            "金匮街道", "扬名街道", "黄巷街道", "山北街道", "北大街街道", "惠山街道"],
    "锡山区": ["东亭街道", "安镇街道", "厚桥街道", "东北塘街道", "云林街道",
            "羊尖镇", "鹅湖镇", "东港镇", "锡北镇"],
    "惠山区": ["堰桥街道", "长安街道", "钱桥街道", "前洲街道", "玉祁街道",
            "洛社镇", "阳山镇"],
    "滨湖区": ["河埒街道", "荣巷街道", "蠡园街道", "蠡湖街道", "华庄街道",
            "太湖街道", "雪浪街道", "马山街道", "胡埭镇"],
    "新吴区": ["旺庄街道", "硕放街道", "江溪街道", "新安街道", "梅村街道",
            "鸿山街道"],
    "江阴市": ["澄江街道", "南闸街道", "云亭街道", "申港街道", "夏港街道",
            "周庄镇", "华士镇", "新桥镇", "徐霞客镇", "青阳镇"],
    "宜兴市": ["宜城街道", "屺亭街道", "新街街道", "新庄街道", "丁蜀镇",
            "和桥镇", "张渚镇", "官林镇"],
}

ROADS: dict[str, list[str]] = {
    "梁溪区": ["中山路", "人民中路", "解放南路", "解放北路", "解放东路", "学前街",
            "崇宁路", "五爱路", "通扬路", "广益路", "凤宾路", "惠河路", "清扬路",
            "南长街", "扬名路", "塘南路", "兴源北路", "梁溪路", "广瑞路", "锡沪路"],
    "锡山区": ["锡沪东路", "东亭北路", "团结中路", "先锋中路", "芙蓉中路",
            "锡山大道", "友谊北路", "春笋路", "安镇大道", "云林路"],
    "惠山区": ["惠山大道", "堰新路", "政和大道", "钱皋路", "盛岸西路", "锡澄路",
            "洛城大道", "吴韵路", "天港路"],
    "滨湖区": ["太湖大道", "梁溪路", "青祁路", "蠡溪路", "隐秀路", "湖滨路",
            "震泽路", "蠡湖大道", "金石路", "梁清路", "建筑西路", "金城西路"],
    "新吴区": ["长江路", "金城东路", "锡兴路", "新华路", "旺庄路", "锡勤路",
            "菱湖大道", "具区路", "高浪东路", "和风路", "新锡路", "太湖大道"],
    "江阴市": ["人民东路", "虹桥南路", "澄江中路", "长江路", "延陵路", "朝阳路",
            "五星路", "芙蓉大道", "青果路", "环城北路"],
    "宜兴市": ["人民北路", "阳羡西路", "东虹路", "荆溪北路", "宜城路", "解放东路",
            "龙潭路", "氿滨大道", "陶都路"],
}

ESTATE_HEADS = [
    "锦绣", "金色", "阳光", "春江", "湖滨", "蠡湖", "梁溪", "惠山", "运河", "东方",
    "新城", "祥和", "康桥", "翠竹", "香樟", "绿洲", "景湖", "清扬", "尚贤", "凤凰",
    "天一", "太湖", "星湖", "云林", "梅园", "龙山", "五星", "广益", "通江", "江南",
    "水岸", "青山", "嘉和", "时代", "上城", "凯旋", "世纪", "名仕", "盛世", "东林",
    "映月", "红星", "南泉", "朝阳", "泰和", "丽景", "金域", "和园", "碧水", "书香",
]
ESTATE_TAILS = [
    "花园", "新村", "苑", "家园", "名都", "华府", "雅苑", "小区", "公寓", "佳园",
    "新城", "天地", "一村", "二村", "三村", "东苑", "西苑", "湾", "里", "府", "世家",
    "城", "名邸", "嘉园",
]
COMMUNITY_HEADS = [
    "通江", "崇安", "清名", "阳光", "金星", "广瑞", "扬名", "塘南", "惠峰", "绿景",
    "蠡湖", "春江", "凤翔", "五星", "朝阳", "新惠", "锡兴", "和风", "春潮", "学府",
    "华清", "青祁", "梁韵", "水秀", "槐古", "新安", "连元", "迎春", "芦庄", "丽新",
]
VILLAGES = [
    "新联", "张泾", "前进", "陆区", "钱家", "周家桥", "吴塘", "徐巷", "塘头", "蒋巷",
    "严家桥", "朱家", "马鞍", "西塘", "北庄", "南宅", "东庄", "杨湾", "红光", "永丰",
    "双庙", "太平", "蓉南", "华新", "胡家渡", "芙蓉", "立新", "大成",
]
FIRM_HEADS = [
    "鑫达", "恒盛", "宏远", "金诚", "华鑫", "瑞丰", "永泰", "中宇", "天成", "博创",
    "锦泰", "汇通", "新盛", "兴隆", "嘉禾", "华鼎", "正航", "明阳", "德润", "凯越",
    "申联", "东邦", "源盛", "佳利", "骏达", "通宇", "星河", "众信", "科润", "荣达",
    "长丰", "惠丰", "锡能", "澄锋", "宜丰", "亿诚", "昌隆", "恒达", "泓泰", "力拓",
]
INDUSTRIES = [
    "机械", "精密机械", "纺织", "电子科技", "物流", "环保科技", "新材料", "印染",
    "不锈钢制品", "汽车零部件", "光伏科技", "电气", "包装", "服饰", "塑业", "电缆",
]
SHOP_HEADS = [
    "佳乐", "百家", "惠民", "鑫鑫", "美佳", "福满", "金太阳", "小胖", "阿福", "老街坊",
    "锡香", "江南", "蓝天", "开心", "优品", "宏图", "天天", "万家", "小蜜蜂", "大拇指",
    "新视界", "悦享", "尚品", "乐活", "蜜桃", "一品", "金牌", "好邻居",
]
SCENIC = ["鼋头渚", "灵山", "拈花湾", "惠山古镇", "南长街", "蠡园", "梅园", "三国城",
          "东林书院", "荡口古镇", "善卷洞", "竹海"]
HOMETOWNS = ["安徽阜阳", "河南周口", "四川南充", "苏北盐城", "安徽六安", "江西上饶",
             "贵州毕节", "河南信阳", "山东临沂", "湖北黄冈", "安徽亳州", "苏北宿迁",
             "甘肃天水", "云南昭通", "重庆万州"]
JOBS = ["车间操作工", "仓库管理员", "电焊工", "货车司机", "保洁员", "厨师", "销售",
        "质检员", "钢筋工", "木工", "瓦工", "文员", "保安", "装配工", "叉车工"]

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_SURNAMES: list[tuple[str, float]] = [
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.6), ("杨", 3.1),
    ("黄", 2.2), ("赵", 2.0), ("吴", 2.6), ("周", 2.4), ("徐", 2.3), ("孙", 1.5),
    ("马", 1.2), ("朱", 1.8), ("胡", 1.3), ("郭", 1.0), ("何", 1.0), ("高", 1.0),
    ("林", 0.9), ("罗", 0.8), ("钱", 0.7), ("顾", 0.9), ("沈", 0.9), ("华", 0.5),
    ("蒋", 0.7), ("陆", 0.7), ("邹", 0.4), ("秦", 0.4), ("许", 0.6), ("丁", 0.5),
    ("薛", 0.3), ("尤", 0.2), ("过", 0.1), ("浦", 0.1), ("荣", 0.1), ("汤", 0.3),
    ("谢", 0.6), ("宋", 0.6), ("唐", 0.6), ("韩", 0.5), ("冯", 0.5), ("曹", 0.5),
    ("邵", 0.3), ("姚", 0.4), ("殷", 0.2), ("缪", 0.2), ("倪", 0.2), ("葛", 0.2),
    ("欧阳", 0.08), ("司马", 0.03), ("诸葛", 0.02), ("上官", 0.02),
]
SURNAMES = [s for s, _w in _SURNAMES]
SURNAME_WEIGHTS = [w for _s, w in _SURNAMES]

GIVEN_M = ["伟", "强", "军", "勇", "杰", "涛", "斌", "明", "超", "磊", "鹏", "辉",
           "建国", "建华", "国强", "志刚", "志明", "海峰", "小龙", "晓东", "俊杰", "浩然",
           "文斌", "春生", "根宝", "金龙", "永康", "建新", "宇航", "子豪", "立新", "卫东",
           "德明", "荣生", "国平", "振华", "雪松", "一鸣", "家豪", "大伟"]
GIVEN_F = ["芳", "娟", "敏", "静", "丽", "艳", "霞", "燕", "玲", "萍", "婷", "洁",
           "秀英", "桂英", "玉兰", "美华", "丽萍", "红梅", "晓燕", "雪芳", "雅琴", "婉婷",
           "欣怡", "梦瑶", "佳慧", "凤英", "月娥", "小红", "金凤", "海燕", "思琪", "亚萍",
           "慧敏", "文娟", "秋萍", "素珍", "彩凤", "雨涵"]


def random_person(rng: random.Random) -> tuple[str, str]:
    """Return ``(full name, gender)`` with gender ``'M'`` or ``'F'``."""
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS, k=1)[0]
    gender = rng.choice("MF")
    pool = GIVEN_M if gender == "M" else GIVEN_F
    given = rng.choice(pool)
    if len(surname) == 2 and len(given) == 2 and rng.random() < 0.7:
        given = given[0]
    return surname + given, gender


def random_place(rng: random.Random) -> Place:
    district = rng.choice(list(WUXI_PLACES))
    return Place(district, rng.choice(WUXI_PLACES[district]))


def _city_prefix(district: str) -> str:
    return "江苏省" if district.endswith("市") else "无锡市"


def random_address(rng: random.Random, place: Place) -> str:
    """A full postal address inside ``place``."""
    prefix = _city_prefix(place.district) + place.district + place.street
    if place.street.endswith("镇") and rng.random() < 0.5:
        village = rng.choice(VILLAGES)
        return f"{prefix}{village}村{rng.randint(1, 18)}组{rng.randint(1, 99)}号"
    road = rng.choice(ROADS[place.district])
    num = rng.randint(1, 999)
    if rng.random() < 0.15:
        return f"{prefix}{road}{num}号"
    bld = rng.randint(1, 36)
    room = f"{rng.randint(1, 18)}0{rng.randint(1, 4)}"
    return f"{prefix}{road}{num}号{bld}幢{room}室"


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
    return c.rng.choice(ROADS[c.place.district])


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
    m = r.randint(1, CURRENT_MONTH - 1)
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
    y = r.randint(2006, 2021)
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
