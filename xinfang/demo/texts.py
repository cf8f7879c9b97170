"""Generator of natural, varied petition (信访) texts for demo data.

Usage::

    rng = random.Random(42)
    place = random_place(rng)
    code = random_category(rng)
    text = generate_text(rng, code, place)

Every second-level category of :mod:`xinfang.cases.taxonomy` has one or more
scenarios (see ``scenarios_*.py``).  A text is composed from the scenario's
narrative slots plus shared sentence pools (openings by petitioner role,
previous attempts, impact, emotion, closing), in one of several registers
(terse, normal, long and emotional), with invented names, dates and amounts.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

from xinfang.cases.taxonomy import CATEGORY_KEYWORDS, CATEGORY_NAMES, TAXONOMY
from xinfang.demo import (
    scenarios_cxjs,
    scenarios_gov,
    scenarios_health,
    scenarios_labor,
    scenarios_market,
    scenarios_rural,
    scenarios_social,
    scenarios_transport,
)
from xinfang.demo.scenarios_base import PURPOSES, Ctx, Scenario
from xinfang.demo.scenarios_names import Place, random_address, random_person, random_place

__all__ = [
    "PURPOSES", "URGENT_MARKERS", "Place", "PetitionText", "generate_text",
    "random_address", "random_category", "random_person", "random_place",
]

TITLE_LEN = (10, 30)
CONTENT_LEN = (80, 600)
DEMANDS_LEN = (15, 120)
URGENT_RATE = 0.05


@dataclass
class PetitionText:
    title: str
    content: str
    demands: str
    purpose: str
    category_code: str
    keywords: list[str] = field(default_factory=list)
    urgent: bool = False


ALL_SCENARIOS: list[Scenario] = [
    *scenarios_cxjs.SCENARIOS, *scenarios_labor.SCENARIOS, *scenarios_social.SCENARIOS,
    *scenarios_market.SCENARIOS, *scenarios_rural.SCENARIOS, *scenarios_gov.SCENARIOS,
    *scenarios_health.SCENARIOS, *scenarios_transport.SCENARIOS,
]
SCENARIOS_BY_CODE: dict[str, list[Scenario]] = defaultdict(list)
for _sc in ALL_SCENARIOS:
    SCENARIOS_BY_CODE[_sc.code].append(_sc)

# ---------------------------------------------------------------------------
# Category volumes: 城乡建设 and 劳动社保 dominate, as in real statistics.
# ---------------------------------------------------------------------------

TOP_WEIGHTS: dict[str, float] = {
    "CXJS": 24, "LDSB": 14, "ZF": 8, "GTZY": 5, "NCNY": 6, "HJBH": 6, "JJGL": 6,
    "WSJS": 5, "JYWT": 5, "JTYS": 5, "MZ": 5, "SMLY": 3, "JJJC": 3, "ZZRS": 2,
    "KJXX": 1.5, "QT": 2.5,
}
SUB_WEIGHTS: dict[str, float] = {
    "CXJS.01": 3, "CXJS.02": 2, "CXJS.07": 2, "CXJS.05": 1.5, "LDSB.01": 3.5,
    "LDSB.02": 2, "LDSB.03": 2, "ZF.03": 1.5, "ZF.09": 1.5, "JJGL.01": 2, "MZ.01": 2,
    "HJBH.03": 2, "HJBH.01": 1.5, "NCNY.01": 1.5, "GTZY.01": 2, "QT.01": 2,
}
_CODES: list[str] = []
_WEIGHTS: list[float] = []
for _top, _name, _subs in TAXONOMY:
    _total = sum(SUB_WEIGHTS.get(c, 1.0) for c, _n in _subs)
    for _code, _n in _subs:
        _CODES.append(_code)
        _WEIGHTS.append(TOP_WEIGHTS.get(_top, 1.0) * SUB_WEIGHTS.get(_code, 1.0) / _total)


def random_category(rng: random.Random) -> str:
    """A second-level category code, weighted like real petition volumes."""
    return rng.choices(_CODES, weights=_WEIGHTS, k=1)[0]


# ---------------------------------------------------------------------------
# Shared sentence pools
# ---------------------------------------------------------------------------

# role -> (individual openings, group openings); "" means "start with facts".
OPENINGS: dict[str, tuple[list[str], list[str]]] = {
    "resident": ([
        "我是{district}{street}{community}的居民，", "我叫{name}，家住{district}{street}{estate}，",
        "我家住在{road}{estate}{building}，", "本人{name}，住{district}{estate}{building}{room}，",
        "领导好，我是{estate}的住户，", "尊敬的领导：您好！我是{district}{estate}的一名普通居民，",
        "{district}{street}{estate}居民{name}反映：", "我住在{street}{estate}，已经住了{years}了，",
        "", "",
    ], [
        "我们是{district}{street}{estate}的居民，", "{estate}{n_hh}居民联名反映：",
        "我们是住在{road}边上{estate}的几十户居民，", "尊敬的领导：我们是{street}{community}的一群老住户，",
        "",
    ]),
    "owner": ([
        "我是{estate}{building}{room}的业主，", "我叫{name}，是{district}{estate}的业主，",
        "本人是{estate}业主，", "领导您好，我是{district}{street}{estate}业主，", "",
    ], [
        "我们是{district}{estate}的业主，", "{estate}全体业主反映：", "我们是{estate}{n_hh}业主，",
        "尊敬的领导：我们是{street}{estate}小区的业主代表，", "",
    ]),
    "worker": ([
        "我叫{name}，{hometown}人，", "我是{company}的员工，", "本人{name}，在{company}上班{work_years}了，",
        "我是一名外地来锡务工人员，老家{hometown}，", "领导好，我是在{district}打工的{name}，", "",
    ], [
        "我们是{company}的{n_workers}员工，", "我们{n_workers}职工联名反映：",
        "我们是{hometown}来的一帮工友，", "",
    ]),
    "parent": ([
        "我是{school}{grade}学生家长，", "我孩子在{school}上{grade}，", "本人{name}，孩子今年{kid_age}岁，",
        "尊敬的教育局领导：我是一名{grade}学生的家长，", "",
    ], [
        "我们是{school}{grade}的部分学生家长，", "{school}{n_parents}家长联名反映：", "",
    ]),
    "patient": ([
        "我叫{name}，今年{age}岁，", "我是{district}居民{name}，", "本人{name}，家住{street}，", "",
    ], ["我们是患者{name}的家属，", ""]),
    "villager": ([
        "我是{district}{street}{village}{group_no}的村民，", "我叫{name}，{street}{village}人，",
        "本人是{village}村民，今年{age}岁，", "",
    ], [
        "我们是{street}{village}{group_no}的村民，", "{street}{village}{n_hh}村民联名反映：",
        "我们{village}的几十户村民，", "",
    ]),
    "consumer": ([
        "我是一名普通消费者，", "本人{name}，家住{district}，", "你好，我住在{street}附近，", "",
    ], ["我们是{n_people}消费者，", ""]),
    "elder": ([
        "我今年{age_old}岁，是{company_old}的退休职工，", "我是一名退休老人，今年{age_old}岁，",
        "本人{name}，{age_old}岁，家住{district}，", "",
    ], ["我们是{company_old}的一批退休职工，", ""]),
    "citizen": ([
        "我是{district}市民{name}，", "你好，我是住在{street}的{name}，", "市民{name}反映：",
        "我是一名普通市民，", "尊敬的领导：您好！", "领导好，", "", "",
    ], ["我们是{district}的一群市民，", ""]),
    "driver": ([
        "我是一名出租车司机，开车{years}了，", "我叫{name}，在无锡跑网约车，", "本人{name}，是一名货车司机，", "",
    ], ["我们是{n_people}出租车驾驶员，", ""]),
    "entrepreneur": ([
        "我是{company}的负责人{name}，", "我们公司是一家小微企业，在{district}经营{work_years}了，",
        "本人{name}，在{district}开了一家小厂，", "",
    ], ["我们是{district}的几家企业，", ""]),
    "staff": ([
        "我是{district}某单位的一名工作人员，", "本人{name}，在{district}一家事业单位工作，",
        "我是一名基层工作人员，", "",
    ], ["我们是{district}的一批编外人员，", ""]),
    "informant": ([
        "本人{name}，现实名举报{off}。", "我要举报{off}。", "尊敬的纪委领导：我反映{off}的问题。",
        "我是{street}的群众，举报{off}。", "现反映{off}的违纪违法问题。", "实名举报：{off}。",
    ], [
        "我们是{street}{village}的村民，联名举报{off}。", "我们实名举报{off}。",
        "我们{n_people}群众联名反映{off}的问题。",
    ]),
    "asker": ([
        "您好，我想咨询一下。", "你好，请问一下，", "我想问个问题。", "领导好，有个问题想咨询。",
        "本人{name}，想咨询一个政策问题。", "", "",
    ], ["", "我们想咨询一下，"]),
    "suggester": ([
        "作为在无锡生活了{years}的市民，我想提个建议。", "我是{district}居民，有个小建议。",
        "尊敬的领导：您好！我是一名普通市民。", "市民{name}建议：", "", "",
    ], ["我们几个居民商量后，想提个建议。", ""]),
    "thanker": ([
        "我是{district}市民{name}，", "尊敬的领导：", "我叫{name}，", "",
    ], ["我们是{estate}的居民，", ""]),
}

# role -> background sentences that set the scene (optional, long texts).
BACKGROUNDS: dict[str, list[str]] = {
    "resident": ["{wojia}在这里住了{years}，以前环境一直挺好的。", "小区里住的大多是老年人，年轻人白天都去上班了。",
                 "我身体不好，有高血压，平时需要安静休养。", "这一片是老城区，房子旧，住户多，问题也多。"],
    "owner": ["当初买这套房子，掏空了两代人的积蓄，还背了三十年房贷。", "小区一共{n_hh}，入住率已经很高了。",
              "{wojia}是刚需买房，一家老小都指望着这套房子。"],
    "worker": ["我家里上有老下有小，全靠我一个人在外面打工挣钱。", "{wo}都是靠力气吃饭的人，没什么文化，也不懂法律。",
               "在无锡干了{work_years}，一直本本分分做事。"],
    "parent": ["孩子正是长身体、打基础的时候，家长都很焦虑。", "{wo}做家长的平时工作忙，对孩子在学校的情况了解不多。",
               "孩子平时性格内向，有事也不太愿意跟家里说。"],
    "patient": ["家里为了看病，已经花光了积蓄。", "老人一辈子没进过几次医院，这次真是把全家都吓坏了。"],
    "villager": ["{wo}祖祖辈辈都住在这个村里，靠种地过日子。", "村里现在留下来的大多是老人，年轻人都出去打工了。",
                 "{wojia}一共{n_small}口人，主要收入就靠这几亩地。"],
    "consumer": ["我平时买东西都很注意，这次实在是没想到。", "钱不算多，但这口气咽不下去。"],
    "elder": ["我身体不好，有高血压、糖尿病，每个月光吃药就要几百块。", "老伴走得早，儿女都在外地。",
              "我年轻时在厂里干了一辈子，从来没给组织添过麻烦。"],
    "citizen": ["我是土生土长的无锡人，一直觉得无锡是个讲道理的地方。", "我平时很少给政府添麻烦，这次实在是憋不住了。",
                "这件事说大不大，说小不小，但确实影响到了老百姓的切身利益。"],
    "driver": ["开车是{wojia}唯一的收入来源。", "每天起早贪黑，挣的都是辛苦钱。"],
    "entrepreneur": ["{wo}是小本经营，利润本来就薄。", "企业现在有{n_workers}员工，大家都指望着这份工资养家。"],
    "staff": ["我在这个岗位上干了{work_years}，一直兢兢业业。", "平时工作任务很重，经常加班加点。"],
    "informant": ["我反映的情况，周围很多群众都知道，只是大家不敢说。", "我考虑了很久，才决定实名反映。"],
    "suggester": ["平时我比较关注城市建设，也经常和邻居们聊起这些事。"],
}
# Dated timelines are used only when the facts already mention "{date}".
TIMELINES_DATED = [
    "这件事从{date}拖到现在，一直没有解决。", "从{date}到现在，问题还是老样子。",
    "眼看着从{date}拖到了现在，{wo}等得实在心焦。",
]
TIMELINES = [
    "一拖再拖，到现在也没人给个准话。", "这么长时间过去了，没有一个部门真正来解决。",
    "事情拖到现在，{wo}已经不知道该找谁了。",
]

ATTEMPTS = [
    "之前打过12345热线，回复说已经转交相关部门，可到现在也没人来处理。",
    "{date_recent}{wo}去社区反映过，社区说这事他们管不了。",
    "也去街道问过，工作人员说会协调，结果一拖再拖。",
    "{wo}在“灵锡”APP上投诉过两次，回复都是套话。",
    "前后打了{n_calls}次12345，每次都说在处理，问题一点没变。",
    "也给市长信箱写过信，答复说已交办，之后就没消息了。",
    "去{street}办事处反映过，接待的人记了一下就让{wo}回去等。",
    "找了好几个部门，都说不归他们管，互相推来推去。",
    "社区网格员来看过一次，说会往上报，后来就没下文了。",
]
IMPACTS = [
    "现在一家人的生活都受到了影响。", "这个问题已经严重影响到正常生活。",
    "家里老人小孩都跟着受罪。", "周围邻居意见都很大。", "时间拖得越久，损失越大。",
    "为了这件事，{wo}班也上不安稳，觉也睡不好。", "家里人天天为这事吵架，日子过得一团糟。",
    "现在大家心里都憋着火，再这样下去迟早要出事。", "{wo}的合法权益得不到保障，心里很不是滋味。",
]
EMOTIONS = [
    "实在没办法了，才写信给领导。", "希望领导重视。", "说实话，{wo}真的很无奈。",
    "老百姓过日子不容易，请领导体谅。", "{wo}跑了不知道多少趟，身心俱疲。",
    "这件事让{wo}寝食难安。", "{wo}对政府还是信任的，相信一定能解决。",
    "我年纪大了，经不起这样来回折腾。", "真心不想给政府添麻烦，但实在是走投无路了。",
    "心里憋着一口气，咽不下去。", "{wo}就想讨个说法，没有别的要求。",
    "希望领导能站在老百姓的角度想一想。", "请领导相信，{wo}反映的情况句句属实。",
    "{wo}不是无理取闹，只是想把事情解决了。", "拜托了，请一定帮帮{wo}。",
]
CLOSINGS: dict[str, list[str]] = {
    "claim": ["恳请有关部门尽快处理。", "希望领导能过问一下，尽快给{wo}一个答复。",
              "请相关部门依法依规处理，谢谢！", "盼复。", "麻烦尽快处理，谢谢。",
              "请领导为{wo}做主。", "望早日解决，感谢！"],
    "appeal": ["请求上级部门重新审查，还{wo}一个公道。", "{wo}对处理结果不服，申请复查。",
               "恳请重新调查，给出公正结论。"],
    "suggestion": ["以上建议，仅供参考。", "个人浅见，望采纳。", "希望相关部门研究考虑。", "谢谢！"],
    "accusation": ["以上情况属实，本人愿意配合调查，请纪委监委严肃查处。", "请组织上调查核实，严肃处理。",
                   "请上级纪委认真调查，还群众一个公道。", "以上反映如有不实，本人愿意承担责任。"],
    "inquiry": ["麻烦给个明确答复，谢谢！", "盼复，谢谢。", "希望能得到详细解答。", "谢谢！"],
    "other": ["特此致谢！", "谢谢！", "再次感谢！"],
}
URGENT_CLOSINGS = ["请领导尽快给个说法！", "{wo}等着你们的答复。", "请马上处理！"]
TERSE_CLOSINGS = ["请尽快处理。", "望解决。", "请处理，谢谢。", "请尽快解决！"]

URGENT_PHRASES = [
    "如果再不解决，{wo}就去市政府门口拉横幅。",
    "再拖下去，{wo}就带着家里人到市政府门口拉横幅讨说法。",
    "逼急了，我就从楼上跳下去。",
    "不解决我就从楼上跳下去，说到做到。",
    "我已经走投无路了，再没人管我就喝农药。",
    "如果这个月还没结果，{wo}就去堵路。",
    "如果还不处理，我就到北京去上访。",
    "再不给说法，出了什么事后果自负。",
    "我真的不想活了，你们看着办吧。",
]
# Substrings that identify an urgent (threat) phrase; no other pool uses them.
URGENT_MARKERS = ("拉横幅", "跳下去", "喝农药", "堵路", "到北京去", "后果自负", "不想活了")
# Appended to a too-short 诉求 so that it reads as a full sentence.
DEMAND_PADDING: dict[str, list[str]] = {
    "claim": ["，希望有关部门尽快给予答复。", "，并请告知处理结果。", "，给{wo}一个满意的答复。",
              "，切实维护{wo}的合法权益。"],
    "appeal": ["，依法维护{wo}的合法权益。", "，并给予书面答复。"],
    "suggestion": ["，供有关部门参考。", "，让群众得到实惠。"],
    "accusation": ["，并对举报人信息保密。", "，给群众一个交代。"],
    "inquiry": ["，以便尽快办理。", "，方便群众少跑腿。"],
    "other": ["，并转达{wo}的谢意。", "，让好人好事得到弘扬。"],
}
DEMAND_SUFFIXES = ["并请给予书面答复。", "并请告知处理进度。", "希望尽快给个说法。"]


# ---------------------------------------------------------------------------
# Composition
# ---------------------------------------------------------------------------


def _choose_scenario(rng: random.Random, code: str, urgent: bool) -> Scenario:
    pool = SCENARIOS_BY_CODE[code]
    if urgent:
        pool = [s for s in pool if s.purpose in ("claim", "appeal")] or pool
    return rng.choices(pool, weights=[s.weight for s in pool], k=1)[0]


def _register(rng: random.Random, purpose: str) -> str:
    if purpose in ("claim", "appeal"):
        return rng.choices(["terse", "normal", "long", "epic"], weights=[20, 45, 25, 10], k=1)[0]
    if purpose == "accusation":
        return rng.choices(["normal", "long"], weights=[6, 4], k=1)[0]
    return rng.choices(["terse", "normal"], weights=[3, 7], k=1)[0]


def _opening(ctx: Ctx, sc: Scenario, register: str) -> str:
    rng = ctx.rng
    if register == "terse" and sc.role != "informant" and rng.random() < 0.5:
        return ""
    if sc.openings:
        return ctx.pick(sc.openings)
    singles, groups = OPENINGS.get(sc.role, OPENINGS["citizen"])
    return ctx.pick(groups if ctx.group and groups else singles)


_OPT_PROB = {"terse": 0.15, "normal": 0.6, "long": 0.95, "epic": 1.0}
_BG_PROB = {"terse": 0.0, "normal": 0.25, "long": 0.75, "epic": 1.0}
_TIMELINE_PROB = {"terse": 0.0, "normal": 0.25, "long": 0.7, "epic": 0.9}
_IMPACT_PROB = {"terse": 0.0, "normal": 0.35, "long": 0.8, "epic": 1.0}
_RESTATE_PROB = {"terse": 0.0, "normal": 0.15, "long": 0.45, "epic": 0.9}


_SINGULAR = re.compile(r"我(?!们)")
_SELF_INTRO = ("我是", "我今年", "本人", "我叫", "我们是", "我和爱人", "我家住", "我住在", "我租住", "我父亲今年",
               "我母亲今年")
GREETINGS = ["", "", "", "尊敬的领导：您好！", "领导好，", "您好，"]
FILLERS: dict[str, list[str]] = {
    "claim": ["希望有关部门认真对待，及时处理。", "具体情况可以到现场核实。", "联系电话已留，随时可以联系我。"],
    "suggestion": ["这是我的一点想法，供参考。", "相信这样做能让更多市民受益。", "如有需要，我愿意当面沟通。"],
    "inquiry": ["因为对政策不太了解，所以来咨询一下。", "网上查了一些资料，说法都不一样。", "麻烦工作人员抽空回复。"],
    "accusation": ["以上情况有据可查。", "相关证据我可以提供。", "希望对举报人信息予以保密。"],
    "other": ["一点心意，不成敬意。", "这样的工作人员值得大家学习。", "真心希望这样的好人好事多多宣传。"],
}
FILLERS["appeal"] = FILLERS["claim"]


def _restated_demands(ctx: Ctx, sc: Scenario, register: str, demands: str) -> str:
    """Petition letters often repeat their requests, sometimes numbered."""
    if register == "epic" and len(sc.demands) >= 2 and len(sc.demands) != ctx.n_story:
        first, second = ctx.rng.sample(sc.demands, k=2)
        head = ctx.rng.choice(["现提出以下诉求：", "为此，{wo}请求：", "具体诉求如下："])
        return ctx.fill(head + "一、" + first + "二、" + second)
    head = ctx.rng.choice(["{wo}的诉求很简单：", "{wo}的要求是：", "{wo}只有一个请求：", "诉求："])
    return ctx.fill(head) + demands.rstrip("。！") + "。"


def _compose_content(ctx: Ctx, sc: Scenario, register: str, urgent: bool, demands: str) -> str:
    rng = ctx.rng
    claimish = sc.purpose in ("claim", "appeal")
    facts: list[tuple[int, str]] = []
    for slot in sc.facts:
        optional = slot[0] == "?"
        alternatives = slot[1:] if optional else slot
        if optional and rng.random() >= _OPT_PROB[register]:
            continue
        facts.append((1 if optional else 0, ctx.pick_story(alternatives)))
    if facts[0][1].startswith(_SELF_INTRO) and sc.role != "informant" and not sc.openings:
        opening = ctx.pick(GREETINGS)  # the first fact already says who is writing
    else:
        opening = _opening(ctx, sc, register)
    # (drop priority, text): higher priorities are dropped first when too long
    body: list[tuple[int, str]] = [(0, opening), facts[0]]
    pool = BACKGROUNDS.get(sc.role, []) if sc.backgrounds is None else sc.backgrounds
    if pool and rng.random() < _BG_PROB[register]:
        if ctx.group:  # a group letter keeps to "我们"
            pool = [b for b in pool if not _SINGULAR.search(b)] or []
        # placed after the first fact, where a letter writer would add it
        for text in rng.sample(pool, k=min(len(pool), 2 if register == "epic" else 1)):
            body.append((3, ctx.fill(text)))
    body += facts[1:]
    if claimish:
        if rng.random() < _TIMELINE_PROB[register]:
            body.append((3, ctx.pick(TIMELINES_DATED + TIMELINES if "date" in ctx else TIMELINES)))
        n_attempts = {"terse": rng.choice([0, 0, 1]), "normal": rng.choice([0, 1, 1, 2]),
                      "long": rng.choice([2, 2, 3]), "epic": 3}[register]
        own = list(sc.attempts)
        rng.shuffle(own)
        for text in (own + rng.sample(ATTEMPTS, k=3))[:n_attempts]:
            body.append((2, ctx.fill(text)))
        if rng.random() < _IMPACT_PROB[register]:
            body.append((3, ctx.pick_story(sc.impacts) if sc.impacts else ctx.pick(IMPACTS)))
            if register == "epic":
                body.append((3, ctx.pick(IMPACTS)))
        n_emotions = {"terse": 0, "normal": int(rng.random() < 0.3), "long": rng.choice([1, 1, 2]),
                      "epic": rng.choice([2, 3])}[register]
        for text in rng.sample(EMOTIONS, k=n_emotions):
            body.append((3, ctx.fill(text)))
        if rng.random() < _RESTATE_PROB[register]:
            body.append((2, _restated_demands(ctx, sc, register, demands)))
    if urgent:
        body.append((0, ctx.pick(URGENT_PHRASES)))
        closing = ctx.pick(URGENT_CLOSINGS)
    elif register == "terse" and claimish:
        closing = ctx.pick(TERSE_CLOSINGS)
    else:
        closing = ctx.pick(CLOSINGS[sc.purpose])
    if closing[:-1] not in "".join(t for _p, t in body):
        body.append((0, closing))

    lo, hi = CONTENT_LEN
    for prio in (3, 2, 1):
        while sum(len(t) for _p, t in body) > hi and any(p == prio for p, _t in body):
            body.pop(max(i for i, (p, _t) in enumerate(body) if p == prio))
    content = "".join(t for _p, t in body)
    fillers = [ctx.fill(f) for f in FILLERS[sc.purpose]]
    if claimish:
        fillers = [ctx.pick(IMPACTS), ctx.pick(EMOTIONS), *fillers]
    while len(content) < lo and fillers:
        extra = fillers.pop(0)
        if extra not in content:
            body.insert(len(body) - 1, (3, extra))
            content = "".join(t for _p, t in body)
    return content[:hi]


_TITLE_STARTS = ("关于", "反映", "咨询", "请问", "建议", "举报", "实名", "感谢", "表扬", "为", "申请", "对", "申诉")
_TITLE_TAILS = ["，请求帮助", "，盼解决", "，望领导重视", "，求助", "，请求处理"]


def _decorate_title(ctx: Ctx, sc: Scenario, title: str) -> str:
    """Vary how a citizen frames the same subject line."""
    rng = ctx.rng
    roll = rng.random()
    plain = not title.startswith(_TITLE_STARTS)
    if plain and roll < 0.12:
        candidate = f"关于{title}" if title.endswith("问题") else f"关于{title}的问题"
    elif plain and roll < 0.22 and sc.purpose not in ("inquiry", "suggestion", "other"):
        candidate = "反映" + title
    elif roll < 0.36 and sc.purpose in ("claim", "appeal"):
        candidate = title + rng.choice(_TITLE_TAILS)
    elif plain and roll < 0.44 and sc.purpose != "accusation" and ctx.place.street not in title:
        candidate = ctx.place.street + title
    else:
        candidate = title
    lo, hi = TITLE_LEN
    return candidate if lo <= len(candidate) <= hi else title


def _title(ctx: Ctx, sc: Scenario, urgent: bool) -> str:
    lo, hi = TITLE_LEN
    templates = list(sc.titles)
    ctx.rng.shuffle(templates)
    if ctx.n_story > 1 and len(sc.titles) == ctx.n_story:
        templates.remove(sc.titles[ctx.story])
        templates.insert(0, sc.titles[ctx.story])
    title = ""
    for template in templates:
        title = _decorate_title(ctx, sc, ctx.fill(template))
        if urgent and ctx.rng.random() < 0.4:
            title = ctx.rng.choice(["紧急求助：", "（急）", "急！"]) + title
        for candidate in (title, f"关于{title}的问题", f"{title}，请求处理"):
            if lo <= len(candidate) <= hi:
                return candidate
    name = CATEGORY_NAMES[sc.code]
    if len(title) > hi:
        title = title[:hi]
    if len(title) < lo:
        title = f"{title}（{name}）" if title else f"关于{name}问题的反映"
    return title[:hi] if len(title) >= lo else f"关于{name}方面问题的反映"


def _demands(ctx: Ctx, sc: Scenario) -> str:
    lo, hi = DEMANDS_LEN
    text = ctx.pick_story(sc.demands)
    if ctx.rng.random() < 0.3 and sc.purpose in ("claim", "appeal"):
        longer = text.rstrip("。！") + "，" + ctx.rng.choice(DEMAND_SUFFIXES)
        if len(longer) <= hi:
            text = longer
    if len(text) < lo:
        text = text.rstrip("。！") + ctx.pick(DEMAND_PADDING[sc.purpose])
    return text[:hi]


def _keywords(sc: Scenario, title: str, content: str) -> list[str]:
    """Keywords that actually occur in the text, scenario keywords first."""
    text = title + content
    result: list[str] = []
    for k in [*sc.keywords, *CATEGORY_KEYWORDS[sc.code]]:
        if k in text and k not in result:
            result.append(k)
    return result[:6] or [CATEGORY_NAMES[sc.code]]


def generate_text(rng: random.Random, category_code: str, place: Place,
                  urgent: bool | None = None) -> PetitionText:
    """Generate one petition text for ``category_code`` set in ``place``.

    ``category_code`` may be a second-level code or a top-level code (a random
    sub-category is then chosen).  ``urgent=None`` makes about 5% of texts
    urgent (threat phrases); ``True`` forces it, ``False`` forbids it.
    """
    code = category_code
    if code not in SCENARIOS_BY_CODE:
        subs = [c for c in _CODES if c.startswith(code + ".")]
        if not subs:
            raise ValueError(f"unknown category code {category_code!r}")
        code = rng.choice(subs)
    if urgent is None:
        urgent = rng.random() < URGENT_RATE
    sc = _choose_scenario(rng, code, urgent)
    ctx = Ctx(rng, place, rng.random() < sc.group, sc.vars)
    first = sc.facts[0][1:] if sc.facts[0][0] == "?" else sc.facts[0]
    ctx.n_story = len(first)
    ctx.story = rng.randrange(len(first))
    register = _register(rng, sc.purpose)
    demands = _demands(ctx, sc)
    content = _compose_content(ctx, sc, register, urgent, demands)
    title = _title(ctx, sc, urgent)
    return PetitionText(
        title=title, content=content, demands=demands, purpose=sc.purpose,
        category_code=sc.code, keywords=_keywords(sc, title, content), urgent=urgent,
    )
