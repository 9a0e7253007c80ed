"""Demo texts for grants (资助协议): the 2025 call's funded projects after the settled 对接会 — one
completed, four active (tranches paid and pending, a report overdue, an evaluation asking for
rectification, a failed payment paid on retry), one signed awaiting its first approval, one drafted —
and the mentors (孵化导师) with their check-ins. portal/demo/grants.py builds them.

Times are Shanghai time: "2025-08-12 10:00", or "D-9 10:00" (days from today) for what must stay
recent whatever the day the demo is loaded. Amounts are yuan as strings.
"""
from __future__ import annotations

# The demo's mentor: a new account, invited like a judge.
MENTOR = dict(email="mentor@demo.yichuang.cn", name="孙立新", phone="13905730009")
MENTOR_TITLE = "孙立新，平湖市社会组织孵化基地督导：跟踪指导三个执行中的项目"
# A payee bank per NGO key (the account numbers are invented).
BANKS = {
    "renxin": ("平湖农商银行当湖支行", "6230 9104 0000 1187 25"),
    "aiyizhan": ("中国工商银行平湖支行", "1204 0700 0920 0135 781"),
    "yinxing": ("平湖农商银行钟埭支行", "6230 9104 0000 2211 09"),
    "shuguang": ("中国农业银行平湖林埭支行", "1934 0101 0400 0566 3"),
    "baijia": ("平湖农商银行新埭支行", "6230 9104 0000 3342 70"),
    "cunguan": ("平湖农商银行曹桥支行", "6230 9104 0000 4456 18"),
}
PHOTO_CAPTIONS = ["活动现场", "签到与合影"]

# Each grant: the project (its 2025 title), the agreement, the tranche plan (label, share, gate, due),
# the report schedule (key, kind, title, due, schedule, milestone), then its steps in time order:
#   pay      — a tranche prepared by committee2, approved by committee, paid (from each source in turn);
#              fail="…" fails first and is paid on a retry; until="prepared" stops before approval
#   file     — the NGO files a report: narrative, people reached, activities (each with a photo), expenses
#              (category, item, amount, day[, False: no receipt]) with receipts
#   evaluate — the committee scores it on the grant's dimensions; passed / rectify (by a date)
#   check_in — a mentor's visit, call or online meeting
#   complete — every tranche paid and the final evaluation passed
GRANTS = [
    dict(
        project="红色嘉园", story="completed", drafted="2025-07-28 10:00", signed="2025-08-08 15:00",
        period=("2025-08-01", "2025-12-31"), self_funding="1500", mentor="judge2",
        terms="乙方按申报书执行“红色嘉园”项目，专款专用；首期签约后拨付，尾款结项评估通过后拨付。冠名：平湖农商银行·红色嘉园。",
        plan=[("首期", "60", "on_signing", "2025-08-15"), ("尾款", "40", "final_passed", "2026-01-31")],
        reports=[("mid", "midterm", "中期报告", "2025-10-15", "milestone", "红色故事讲解员完成首轮培训"),
                 ("final", "final", "结项报告", "2026-01-10", "milestone", "执行期结束")],
        steps=[
            ("pay", "2025-08-12 10:00", dict(tranche="首期")),
            ("check_in", "2025-09-05 14:30", dict(mentor="judge2", form="visit", notes="走访三个红色教育点，讲解员排班表和签到记录完整。",
                                                   next_steps="补拍讲解现场照片，准备中期报告的受益人名单。")),
            ("file", "2025-10-13 16:20", dict(report="mid", reached=260, narrative="完成 18 名讲解员培训，开展红色故事进社区 9 场。",
                                               activities=[("2025-09-20", "平湖市当湖街道红色驿站", 45, "红色故事进社区首场宣讲")],
                                               expenses=[("活动费", "讲解员培训", "2400.00", "2025-09-10"),
                                                         ("活动费", "宣讲场地布置", "1680.00", "2025-09-20"),
                                                         ("物资费", "宣传折页印制", "860.00", "2025-09-18")])),
            ("evaluate", "2025-10-22 10:00", dict(report="mid", scores=["88", "85", "90", "86"], conclusion="passed",
                                                   comments="执行进度与计划一致，票据规范。")),
            ("file", "2026-01-08 15:00", dict(report="final", reached=612, narrative="全年宣讲 26 场，讲解员队伍稳定运行。",
                                               activities=[("2025-12-06", "平湖市青少年宫", 120, "红色故事讲解成果展演")],
                                               expenses=[("活动费", "成果展演", "1900.00", "2025-12-06"),
                                                         ("物资费", "讲解员服装与扩音设备", "4300.00", "2025-11-12"),
                                                         ("管理费", "项目管理与财务审计", "1000.00", "2025-12-28")])),
            ("evaluate", "2026-01-20 10:00", dict(report="final", scores=["90", "88", "92", "91"], conclusion="passed",
                                                   comments="目标全部完成，成效显著，准予结项。")),
            ("pay", "2026-01-26 09:30", dict(tranche="尾款")),
            ("complete", "2026-02-02 10:00", {}),
        ],
    ),
    dict(
        project="村村有个第一响应人", story="active", drafted="2025-07-28 14:00", signed="2025-08-15 10:00",
        period=("2025-09-01", "D+75"), self_funding="6000", mentor="mentor",
        terms="乙方在林埭镇、广陈镇开展第一响应人培训，资金来源为一等奖（青苹果公益基金会与青年企业家协会出资）、对接会认捐及配捐。",
        plan=[("首期", "50", "on_signing", "2025-08-25"), ("中期", "30", "midterm_passed", "D-60"),
              ("尾款", "20", "final_passed", "D+90")],
        reports=[("q1", "progress", "第一季度进度报告", "2025-12-10", "recurring", ""),
                 ("mid", "midterm", "中期报告", "D-80", "milestone", "完成 12 期培训"),
                 ("final", "final", "结项报告", "D+80", "milestone", "执行期结束")],
        steps=[
            ("pay", "2025-08-20 10:00", dict(tranche="首期")),
            ("check_in", "2025-10-16 09:30", dict(mentor="mentor", form="visit", notes="旁听林埭镇第三期培训，学员实操考核通过率 92%。",
                                                   next_steps="与红十字会对接救护员证考试时间。")),
            ("file", "2025-12-08 17:00", dict(report="q1", reached=96, narrative="完成 8 期培训，96 名村民参训。",
                                               activities=[("2025-11-15", "林埭镇徐家埭村文化礼堂", 32, "心肺复苏与止血包扎培训")],
                                               expenses=[("活动费", "培训场次组织（8 期）", "3200.00", "2025-11-30"),
                                                         ("人员费", "讲师课时费", "3200.00", "2025-11-30")])),
            ("check_in", "D-95 15:00", dict(mentor="mentor", form="call", notes="电话了解广陈镇培训进度，中期报告材料基本齐备。",
                                             next_steps="中期报告补充急救包发放签收单。")),
            ("file", "D-84 16:30", dict(report="mid", reached=168, narrative="完成 14 期培训，配发村级急救包 24 个。",
                                         activities=[("D-100", "广陈镇龙萌村", 40, "防汛避险与应急演练")],
                                         expenses=[("物资费", "村级急救包 24 个", "7200.00", "D-110"),
                                                   ("活动费", "应急演练", "2600.00", "D-100")])),
            ("evaluate", "D-70 10:00", dict(report="mid", scores=["86", "82", "80", "88"], conclusion="passed",
                                             comments="培训质量高，建议结项前完成救护员证考试。")),
            ("pay", "D-58 10:00", dict(tranche="中期")),
            ("check_in", "D-20 10:00", dict(mentor="mentor", form="online", notes="线上会议：复盘 24 个村的培训覆盖情况。",
                                             next_steps="整理结项报告的村级名单与证书复印件。")),
        ],
    ),
    dict(
        project="点亮心灯", story="rectify", drafted="2025-07-29 10:00", signed="2025-08-18 16:00",
        period=("2025-09-01", "D+120"), self_funding="3000", mentor="mentor",
        terms="乙方为困境青少年提供心理陪伴服务；个案资料严格保密，中期评估通过后拨付中期款。",
        plan=[("首期", "50", "on_signing", "2025-08-30"), ("中期", "30", "midterm_passed", "D-20"),
              ("尾款", "20", "final_passed", "D+130")],
        reports=[("mid", "midterm", "中期报告", "D-40", "milestone", "完成 160 次个案辅导"),
                 ("final", "final", "结项报告", "D+120", "milestone", "执行期结束")],
        steps=[
            ("pay", "2025-08-26 11:00", dict(tranche="首期")),
            ("check_in", "2025-11-04 14:00", dict(mentor="mentor", form="visit", notes="查看个案档案，评估量表使用规范。",
                                                   next_steps="个案辅导记录需由督导签字。")),
            ("file", "D-42 20:10", dict(report="mid", reached=38, narrative="完成个案辅导 150 次、成长小组 7 次。",
                                         activities=[("D-60", "当湖街道青少年服务站", 12, "成长小组：认识情绪")],
                                         expenses=[("人员费", "心理咨询师个案辅导 150 次", "7000.00", "D-50"),
                                                   ("活动费", "成长小组", "3900.00", "D-60"),
                                                   ("其他", "杂项支出（未附明细）", "1450.00", "D-55", False)])),
            ("evaluate", "D-30 15:00", dict(report="mid", scores=["60", "55", "40", "62"], conclusion="rectify",
                                             rectify_by="D+14", comments="财务管理不达标：1,450 元杂项支出无明细和票据，"
                                             "个案记录缺督导签字。请在整改期限内补齐票据并重新提交中期报告。")),
            ("check_in", "D-25 19:00", dict(mentor="mentor", form="online", notes="与项目负责人逐条梳理整改意见。",
                                             next_steps="一周内补齐杂项支出票据，督导补签个案记录。")),
        ],
    ),
    dict(
        project="温暖回家路", story="overdue", drafted="2025-07-29 15:00", signed="2025-08-20 10:00",
        period=("2025-09-01", "D+150"), self_funding="2500", mentor="judge2",
        terms="乙方为认知障碍老人配发防走失手环并组建寻人志愿者队伍；中期评估通过后拨付中期款。",
        plan=[("首期", "50", "on_signing", "2025-09-05"), ("中期", "30", "midterm_passed", "D+10"),
              ("尾款", "20", "final_passed", "D+160")],
        reports=[("mid", "midterm", "中期报告", "D-9", "milestone", "手环配发完毕"),
                 ("final", "final", "结项报告", "D+150", "milestone", "执行期结束")],
        steps=[
            ("pay", "2025-08-28 10:00", dict(tranche="首期")),
            ("check_in", "D-40 10:30", dict(mentor="judge2", form="visit", notes="走访钟埭街道两户家庭，手环使用正常。",
                                             next_steps="提醒按期提交中期报告。")),
        ],
    ),
    dict(
        project="流动少年宫", story="retry", drafted="2025-07-30 10:00", signed="2025-08-22 15:00",
        period=("2025-09-01", "D+100"), self_funding="2000", mentor="mentor",
        terms="乙方组织大学生村官为农村儿童开展流动少年宫课程；资金来源为二等奖创投资金、对接会认捐及配捐。",
        plan=[("首期", "50", "on_signing", "2025-09-01"), ("中期", "30", "midterm_passed", "D+20"),
              ("尾款", "20", "final_passed", "D+110")],
        reports=[("mid", "midterm", "中期报告", "D+5", "milestone", "完成 20 个村的巡回课程"),
                 ("final", "final", "结项报告", "D+100", "milestone", "执行期结束")],
        steps=[
            ("pay", "2025-08-29 10:00", dict(tranche="首期", fail="收款行退回：账户名与开户名不一致，已与乙方核实更正开户信息后重新付款。")),
            ("check_in", "2025-10-25 09:00", dict(mentor="mentor", form="visit", notes="随队到曹桥街道百寿村，课程受孩子欢迎。",
                                                   next_steps="建立课程签到表，便于中期统计受益人数。")),
            ("check_in", "D-15 16:00", dict(mentor="mentor", form="call", notes="中期报告即将到期，确认活动照片与票据已整理。",
                                             next_steps="按期提交中期报告。")),
        ],
    ),
    dict(
        project="家•温暖", story="signed", drafted="2025-07-30 15:00", signed="D-6 15:00",
        period=("D+1", "D+330"), self_funding="800",
        terms="乙方开展“家•温暖”项目；首期签约后拨付。",
        plan=[("首期", "50", "on_signing", "D+3"), ("中期", "30", "midterm_passed", "D+170"),
              ("尾款", "20", "final_passed", "D+340")],
        reports=[("mid", "midterm", "中期报告", "D+165", "milestone", "执行期过半"),
                 ("final", "final", "结项报告", "D+330", "milestone", "执行期结束")],
        steps=[("pay", "D-1 16:00", dict(tranche="首期", until="prepared"))],
    ),
    dict(project="爱在仲夏·为爱上色", story="drafted", drafted="D-3 10:00"),
]
