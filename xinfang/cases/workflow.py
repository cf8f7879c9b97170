"""The statutory procedure as one table: the only code that changes a case's status.

Each `Transition` says, in the words of the regulations, who may take it (roles
and their relation to the case), from which states, to which state, what it
requires, which statutory clocks it starts, stops, pauses or resumes, whether
the petitioner sees the event, and which notice it queues for them. Rows are
reviewed like law: the same table is printed by `python manage.py transitions`
and checked by tests/cases/transitions.csv.

The steps themselves (who receives the case, which letter is written) live in
workflow_effects.py; access decisions in workflow_access.py.
"""

from dataclasses import dataclass, field

from xinfang.orgs.models import Role

from .models import Status as S

R = Role
ANY_STAFF = frozenset({R.REGISTRAR, R.HANDLER, R.LEADER})
DISPOSERS = frozenset({R.REGISTRAR, R.LEADER})  # the bureau's window and its head
HANDLERS = frozenset({R.HANDLER, R.LEADER})
LEADERS = frozenset({R.LEADER})
SUPERVISORS = frozenset({R.SUPERVISOR})

# States where no statutory step remains.
FINAL = frozenset({S.TERMINATED, S.CLOSED, S.MERGED})
# States reached by a decision that ends the matter at this stage (may be archived).
ENDED = frozenset({S.DECLINED, S.REDIRECTED, S.REFUSED_REPEAT})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change
    roles: frozenset[str]
    # How the actor's org must stand to the case (see workflow_access.RELATIONS).
    relation: str
    requires: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    stops: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()
    pauses: tuple[str, ...] = ()
    resumes: tuple[str, ...] = ()
    public: bool = True
    notice: str | None = None  # outbox template for the petitioner
    article: str = ""
    system: bool = False  # the deadline sweeper may take it without a user
    petitioner: bool = False  # the petitioner may take it online (query code + phone)
    doc: str = ""
    extra: dict = field(default_factory=dict)


T = Transition
OPEN_AT_BUREAU = frozenset({S.REGISTERED})
RECEIVED = frozenset({S.FORWARDED, S.ASSIGNED})

TRANSITIONS: list[Transition] = [
    # -- disposal at a petition bureau (2022 art. 22: within 15 days) ---------------
    T("forward", "转送", OPEN_AT_BUREAU, S.FORWARDED, DISPOSERS | {R.HANDLER}, "holder",
      requires=("to_org",), starts=("accept", "object"), stops=("dispose",), cancels=("accept",),
      notice="forwarded", article="《信访工作条例》第二十二条",
      doc="转送有权处理的机关、单位，并告知信访人"),
    T("assign", "交办", OPEN_AT_BUREAU, S.ASSIGNED, DISPOSERS, "holder_bureau",
      requires=("to_org", "report_back_days"), starts=("accept", "object", "report_back"),
      stops=("dispose",), cancels=("accept",), notice="forwarded", article="《信访工作条例》第二十二条",
      doc="重要信访事项交办有权处理的机关，要求在指定期限内报告办理结果"),
    T("accept", "受理", OPEN_AT_BUREAU | RECEIVED, S.ACCEPTED, HANDLERS | {R.REGISTRAR}, "holder",
      starts=("handle",), stops=("accept", "dispose"), cancels=("object",), notice="accepted",
      article="《信访工作条例》第二十三条", doc="有权处理的机关决定受理并书面告知信访人；初次信访可简易办理"),
    T("decline", "不予受理", OPEN_AT_BUREAU | RECEIVED, S.DECLINED, HANDLERS | {R.REGISTRAR}, "holder",
      requires=("reason",), stops=("accept", "dispose"), cancels=("object", "report_back"), notice="declined",
      article="《信访工作条例》第二十三条", doc="不予受理，书面告知信访人并说明理由"),
    T("object", "提出异议", RECEIVED, S.REGISTERED, HANDLERS, "holder",
      requires=("reason",), stops=("object",), cancels=("accept", "report_back"), starts=("dispose",),
      public=False, article="《信访工作条例》第二十三条",
      doc="收到转送、交办事项认为不属于本单位职权的，5个工作日内向转送机关提出异议，由其重新处理"),
    T("redirect", "告知其他途径", OPEN_AT_BUREAU, S.REDIRECTED, DISPOSERS, "holder",
      requires=("route", "reason"), stops=("dispose", "accept"), notice="redirected",
      article="《信访工作条例》第二十二条、第三十一条",
      doc="应当通过诉讼、仲裁、行政复议、人大等法定途径解决的，告知信访人依法提出"),
    T("refuse_repeat", "不再受理", OPEN_AT_BUREAU | RECEIVED, S.REFUSED_REPEAT, DISPOSERS | HANDLERS, "holder",
      requires=("reason",), stops=("dispose", "accept"), cancels=("object", "report_back"),
      notice="refused_repeat",
      article="《信访工作条例》第三十六条", doc="同一事实和理由已复核终结或已有处理意见的，不再受理"),
    T("merge", "并入重复事项", OPEN_AT_BUREAU, S.MERGED, DISPOSERS, "holder",
      requires=("into_case",), stops=("dispose", "accept"), public=True,
      doc="与已登记事项属同一事项的，作为重复件并入，不另行办理"),
    T("guide_down", "引导逐级走访", OPEN_AT_BUREAU, S.REGISTERED, DISPOSERS, "holder_bureau",
      requires=("to_org",), stops=("dispose",), starts=("dispose",), notice="guided_down",
      article="《信访工作条例》第二十条", doc="越级走访的，引导信访人向依法有权处理的下级机关逐级走访"),
    # -- handling (60 days, art. 34; simple procedure 10 working days) -------------
    T("delegate", "转交下级办理", frozenset({S.ACCEPTED}), None, HANDLERS, "holder",
      requires=("to_org", "report_back_days"), public=False,
      doc="交由下一级机关调查处理并限期报告结果，本单位仍负责答复"),
    T("delegate_report", "下级报告结果", frozenset({S.ACCEPTED, S.REPLY_PENDING}), None, HANDLERS, "delegate",
      requires=("text",), public=False, doc="下级机关报告调查处理结果"),
    T("note", "办理记录", frozenset({S.ACCEPTED, S.REPLY_PENDING, S.REVIEWING, S.REEXAMINING}), None, HANDLERS,
      "holder", requires=("text",), public=False, doc="调查核实、约谈、现场走访等内部办理记录"),
    T("request_extension", "申请延期", frozenset({S.ACCEPTED}), None, HANDLERS, "holder",
      requires=("days", "reason"), public=False, article="《信访工作条例》第三十四条",
      doc="情况复杂的，经本机关负责人批准可适当延长，延长不超过30日"),
    T("approve_extension", "批准延期", frozenset({S.ACCEPTED}), None, LEADERS, "holder",
      notice="extended", article="《信访工作条例》第三十四条", doc="负责人批准延期，并告知信访人延期理由"),
    T("refuse_extension", "不批准延期", frozenset({S.ACCEPTED}), None, LEADERS, "holder",
      requires=("reason",), public=False),
    T("draft_reply", "拟写答复意见", frozenset({S.ACCEPTED}), S.REPLY_PENDING, HANDLERS, "holder",
      requires=("outcome", "text", "legal_basis", "rights_notice"), public=False,
      doc="承办人拟写答复意见书：处理意见、法律政策依据、复查申请权利"),
    T("return_draft", "退回修改", frozenset({S.REPLY_PENDING}), S.ACCEPTED, LEADERS, "holder",
      requires=("reason",), public=False),
    T("reply", "签发答复", frozenset({S.REPLY_PENDING}), S.REPLIED, LEADERS, "holder",
      stops=("handle", "simple"), starts=("review_request", "evaluate"), notice="replied",
      article="《信访工作条例》第三十二条、第三十四条", doc="负责人签发，出具书面答复意见书"),
    T("report_back", "报告办理结果", frozenset({S.REPLIED, S.REVIEWING, S.REVIEWED, S.REEXAMINING, S.TERMINATED,
                                          S.CLOSED}), None, HANDLERS, "assignee",
      stops=("report_back",), public=False, article="《信访工作条例》第二十二条",
      doc="向交办机关报告办理结果"),
    T("evaluate", "记录评价", frozenset({S.REPLIED}), None, DISPOSERS | HANDLERS, "bureau_in_scope",
      requires=("rating",), stops=("evaluate",), public=True, petitioner=True,
      doc="信访人对信访部门和办理单位分别评价（代为录入）"),
    # -- review 复查 and re-examination 复核 (30 + 30 days each, art. 35-36) -------
    T("review_request", "申请复查", frozenset({S.REPLIED}), S.REVIEWING, DISPOSERS, "bureau_in_scope",
      requires=("reason",), stops=("review_request",), cancels=("evaluate",), starts=("review",),
      notice="review_received", article="《信访工作条例》第三十五条", petitioner=True,
      doc="信访人对处理意见不服的，30日内请求原办理机关的上一级机关复查"),
    T("review_decide", "作出复查意见", frozenset({S.REVIEWING}), S.REVIEWED, LEADERS, "holder",
      requires=("review_outcome", "text", "legal_basis", "rights_notice"), stops=("review",),
      starts=("reexamine_request",), notice="review_decided", article="《信访工作条例》第三十五条",
      doc="收到复查请求之日起30日内提出复查意见：维持、撤销或变更"),
    T("reexamine_request", "申请复核", frozenset({S.REVIEWED}), S.REEXAMINING, DISPOSERS, "bureau_in_scope",
      requires=("reason",), stops=("reexamine_request",), starts=("reexamine",), notice="reexamine_received",
      petitioner=True,
      article="《信访工作条例》第三十六条", doc="对复查意见不服的，30日内向复查机关的上一级机关请求复核"),
    T("hearing_pause", "举行听证（暂停计时）", frozenset({S.REEXAMINING}), None, HANDLERS, "holder",
      requires=("reason",), pauses=("reexamine",), article="《信访工作条例》第三十六条",
      doc="复核机关可以举行听证，听证所需时间不计算在复核期限内"),
    T("hearing_resume", "听证结束（恢复计时）", frozenset({S.REEXAMINING}), None, HANDLERS, "holder",
      requires=("text",), resumes=("reexamine",), article="《信访工作条例》第三十六条"),
    T("reexamine_decide", "作出复核意见", frozenset({S.REEXAMINING}), S.TERMINATED, LEADERS, "holder",
      requires=("review_outcome", "text", "legal_basis"), stops=("reexamine",), notice="reexamine_decided",
      article="《信访工作条例》第三十六条",
      doc="复核意见为最终意见；信访人以同一事实和理由再提出的，不再受理"),
    T("terminate", "终结", frozenset({S.REVIEWED}), S.TERMINATED, DISPOSERS, "bureau_in_scope",
      cancels=("reexamine_request",), system=True, extra={"after_window": "reexamine_request"},
      doc="复核申请期限届满未申请复核的，复查意见为最终意见，事项终结"),
    T("close", "归档", frozenset({S.REPLIED}) | ENDED, S.CLOSED, DISPOSERS, "bureau_in_scope",
      cancels=("review_request", "evaluate"), public=False, system=True,
      extra={"after_window": "review_request"}, doc="复查申请期限届满或办理终止的，办结归档"),
    T("rehandle", "责令重新办理", frozenset({S.REPLIED, S.REVIEWED, S.CLOSED}), S.ACCEPTED, SUPERVISORS,
      "supervisor_above", requires=("reason",), cancels=("review_request", "evaluate", "reexamine_request"),
      starts=("handle",), notice="rehandle", article="《信访工作条例》第四十六条",
      doc="督查发现办理不到位、群众不满意的，责令原办理单位重新办理"),
]

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources]


def allowed_moves() -> set[tuple[str, str]]:
    """Every (from, to) status pair the table allows; used to check histories."""
    pairs: set[tuple[str, str]] = {("", str(S.REGISTERED))}
    for t in TRANSITIONS:
        for src in t.sources:
            pairs.add((str(src), str(t.target or src)))
    return pairs
