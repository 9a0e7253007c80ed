"""Demo texts for matching (对接): the 2025 call's further eligible projects, the sponsors (爱心企业, a
基金会, a 社会团体, a 个人爱心人士), the departments that post needs (领办), the settled 2025 对接会 and
the standing catalogue (常年认领) of the autumn call. portal/demo/matching.py builds them.

Amounts are yuan as strings; each pledge plan is checked against the project's gap while it is built.
"""
from __future__ import annotations

# --- the 2025 call: seven more eligible projects (data.PROJECTS appends them), so that about ten are shown
CUNGUAN = dict(
    name="平湖市大学生村官俱乐部志愿服务队", legal_form="志愿服务队", uscc_body=None, supervising_org="共青团平湖市委员会",
    district="平湖市", address="平湖市曹桥街道百寿村村民委员会 2 楼", founded="2019-04-12",
    contact="cunguan_owner", status="verified",
    introduction="由在平湖各村（社区）任职的大学生村官自发组成，挂靠团市委，利用周末和寒暑假为农村孩子和老人开展服务。",
)

PROJECTS_2025 = [
    dict(org="renxin", call="2025", status="eligible", title="点亮心灯", category="关爱儿童",
         area="平湖市当湖街道、钟埭街道", target="父母离异、服刑或重病家庭的困境青少年", count=40,
         summary="社工与心理咨询师为困境青少年提供一对一心理陪伴、成长小组和家庭走访，帮助他们走出阴影。",
         need="两街道登记在册的困境青少年 86 名，学校心理老师配备不足，多数孩子从未接受过专业心理支持。",
         goals="为 40 名青少年建立成长档案，开展个案辅导 320 次、成长小组 16 次，心理量表改善率达到 70%。",
         activities=[("个案评估与结对", 0, 1, "完成 40 名青少年评估"), ("个案辅导与成长小组", 1, 9, "个案辅导 320 次"),
                     ("家庭走访与结项评估", 10, 2, "走访 80 户，完成评估报告")],
         lines=[("人员费", "心理咨询师个案辅导", "50.00", "320"), ("活动费", "成长小组", "600.00", "16"),
                ("活动费", "家庭走访交通补贴", "40.00", "80")]),
    dict(org="aiyizhan", call="2025", status="eligible", title="温暖回家路", category="助老",
         area="平湖市钟埭街道、当湖街道", target="认知障碍（失智）老人及其家庭", count=120,
         summary="为认知障碍老人配发带定位的防走失手环，组建社区寻人志愿者队伍，老人走失时 30 分钟内响应。",
         need="两街道筛查出疑似认知障碍老人 300 余名，近两年走失报警 27 起，家属缺少照护知识和求助渠道。",
         goals="配发防走失手环 120 个，组建寻人志愿者队伍 8 支，开展照护者培训 10 场。",
         activities=[("老人筛查与建档", 0, 2, "建档 120 户"), ("手环配发与寻人队伍建设", 1, 4, "组建 8 支队伍"),
                     ("照护者培训", 3, 8, "培训 10 场")],
         lines=[("物资费", "定位防走失手环", "160.00", "120"), ("活动费", "照护者培训", "500.00", "10"),
                ("人员费", "寻人志愿者保险与补贴", "60.00", "80")]),
    dict(org="yinxing", call="2025", status="eligible", title="环保酵素推广", category="环境保护",
         area="平湖市当湖街道 6 个小区", target="小区居民和中小学生", count=1500,
         summary="教居民用果皮菜叶制作环保酵素，用于清洁和浇花，从源头减少厨余垃圾。",
         need="试点小区厨余垃圾占生活垃圾的 55%，居民对厨余减量方法了解少。",
         goals="培训酵素达人 300 名，开展进小区、进校园活动 30 场，试点小区厨余垃圾减少 10%。",
         activities=[("酵素达人培训", 0, 2, "培训 300 名"), ("进小区进校园", 2, 8, "开展活动 30 场")],
         lines=[("物资费", "酵素发酵桶与红糖", "25.00", "300"), ("活动费", "进小区进校园活动", "250.00", "30"),
                ("宣传费", "宣传手册", "4.00", "1500")]),
    dict(org="shuguang", call="2025", status="eligible", title="村村有个第一响应人", category="应急救援",
         area="平湖市林埭镇、广陈镇 24 个行政村", target="村干部、网格员和村民志愿者", count=240,
         summary="在每个行政村培训 10 名“第一响应人”，掌握心肺复苏、止血包扎和防汛避险，救援队到达前先施救。",
         need="农村地区距离急救站较远，救护车平均到达时间超过 15 分钟，村民普遍不会急救。",
         goals="培训第一响应人 240 名，其中 120 名取得红十字救护员证；每村配备急救包 1 个。",
         activities=[("课程准备", 0, 1, "完成课件与教具"), ("分片培训与考证", 1, 8, "培训 24 期"),
                     ("应急演练", 9, 2, "开展联合演练 2 次")],
         lines=[("活动费", "培训场次组织", "400.00", "24"), ("物资费", "村级急救包", "300.00", "24"),
                ("人员费", "讲师课时费", "200.00", "48")]),
    dict(org="baijia", call="2025", status="eligible", title="关爱瓷娃娃", category="助残",
         area="平湖市", target="成骨不全症（瓷娃娃）儿童及家庭", count=12,
         summary="为瓷娃娃儿童提供居家康复指导、辅具适配和家长互助小组，陪伴他们安全上学。",
         need="平湖市有成骨不全症儿童 12 名，骨折频繁，家庭长期照护、经济和心理压力大。",
         goals="为 12 个家庭提供康复指导 144 次，适配辅具 12 套，成立家长互助小组并每月活动。",
         activities=[("家庭评估", 0, 1, "完成 12 户评估"), ("康复指导与辅具适配", 1, 10, "指导 144 次"),
                     ("家长互助小组", 1, 11, "活动 11 次")],
         lines=[("人员费", "康复师上门指导", "80.00", "144"), ("物资费", "轮椅与护具", "900.00", "12"),
                ("活动费", "家长互助小组", "300.00", "11")]),
    dict(org="baijia", call="2025", status="eligible", title="爱在仲夏·为爱上色", category="助残",
         area="平湖市新埭镇", target="智力和肢体残疾儿童", count=30,
         summary="暑期为残障儿童开办美术营，由美术老师和志愿者一对一陪伴作画，年底举办作品义卖展。",
         need="残障儿童暑期大多待在家中，缺少同伴交往和兴趣培养的机会。",
         goals="开办美术营 20 天，30 名儿童参加，举办作品义卖展 1 次，义卖所得全部用于孩子康复。",
         activities=[("美术营", 1, 2, "开营 20 天"), ("作品义卖展", 5, 1, "举办义卖展 1 次")],
         lines=[("人员费", "美术老师课时费", "300.00", "20"), ("物资费", "画材", "120.00", "30"),
                ("活动费", "义卖展布展", "2500.00", "1"), ("活动费", "志愿者餐费补贴", "25.00", "200")]),
    dict(org="cunguan", call="2025", status="eligible", title="流动少年宫", category="文化教育",
         area="平湖市曹桥街道、广陈镇 10 个行政村", target="农村留守儿童和外来务工人员子女", count=400,
         summary="大学生村官每周末把书法、科学实验、非遗剪纸等课程送到村文化礼堂，让农村孩子在家门口上少年宫。",
         need="10 个村的 1,100 多名儿童周末无处可去，城区少年宫路远且名额有限。",
         goals="全年开课 200 节，服务儿童 400 名，每村培养 2 名本土兴趣课志愿者。",
         activities=[("课程设计与志愿者招募", 0, 1, "招募 40 名志愿者"), ("周末课堂", 1, 10, "开课 200 节"),
                     ("成果汇演", 11, 1, "举办汇演 1 场")],
         lines=[("活动费", "周末课程组织", "60.00", "200"), ("物资费", "教具与材料", "2000.00", "4"),
                ("人员费", "志愿者交通补贴", "20.00", "400")]),
]

# --- people who act for the sponsors and departments (not demo logins; sponsor2 and department are in data.USERS)
MATCHING_USERS = {
    "qingpingguo_owner": dict(email="gumin@qingpingguo.example.cn", name="顾敏", phone="13857312021"),
    "qiyejia_owner": dict(email="lujianping@phqyj.example.cn", name="陆建平", phone="13857312022"),
    "jiahe_owner": dict(email="qianhaifeng@jiahefood.example.cn", name="钱海峰", phone="13857312023"),
    "donghu_owner": dict(email="shenmeihua@donghu.example.cn", name="沈美华", phone="0573-85013306"),
}

# key → organization fields, as data.NGOS; contact None: no account (recorded by the committee).
SPONSORS = {
    "yinjian": dict(
        name="嘉兴银建科技有限公司", legal_form="企业", uscc_body="91330402MA28C6YX0", city="嘉兴市", district="南湖区",
        address="嘉兴市南湖区昌盛南路 1369 号科创中心 8 楼", founded="2016-08-18", contact="sponsor2",
        introduction="银建科技为金融机构提供数据服务，员工 160 余人，设有青年志愿服务队，每年拿出利润的 1% 支持公益。",
    ),
    "qingpingguo": dict(
        name="平湖市青苹果公益基金会", legal_form="基金会", uscc_body="53330482MJ5012348",
        address="平湖市当湖街道新华北路 66 号", founded="2018-05-30", contact="qingpingguo_owner",
        introduction="青苹果公益基金会由平湖本地企业家发起，资助青少年成长、助老助残和社区服务项目。",
    ),
    "qiyejia": dict(
        name="平湖市青年企业家协会", legal_form="社会团体", uscc_body="51330482MJ5023459",
        address="平湖市当湖街道东湖大道 188 号", founded="2012-12-08", contact="qiyejia_owner",
        introduction="平湖市青年企业家协会现有会员企业 120 余家，长期组织会员企业参与“青春助力”公益行动。",
    ),
    "jiahe": dict(
        name="平湖市嘉禾食品有限公司", legal_form="企业", uscc_body="91330482MA2B7K3Q1",
        address="平湖经济技术开发区新明路 258 号", founded="2009-03-16", contact="jiahe_owner",
        introduction="嘉禾食品生产粽子和糕点，多年为社区老人和困难家庭捐赠节日慰问品。",
    ),
    "qian": dict(
        name="钱志明", legal_form="个人爱心人士", uscc_body=None, board_anonymous=True,
        contact=None, contact_name="钱志明", contact_phone="13905731288",
        address="平湖市当湖街道", founded="2025-06-20",
        introduction="在对接会现场举牌认捐的爱心人士，希望不公开姓名。",
    ),
}
SPONSOR_BOARD_NAME = "平湖农商银行"  # the demo sponsor's name on the board and public pages

DEPARTMENTS = {
    "danghu": dict(
        name="平湖市当湖街道办事处", legal_form="街道", uscc_body="11330482MB1C23456",
        address="平湖市当湖街道新华中路 168 号", founded="2001-06-01", contact="department",
        introduction="当湖街道是平湖市主城区，辖 20 个社区，常住人口 16 万，通过“双向征集”向社会组织购买社区服务。",
    ),
    "donghu": dict(
        name="平湖市当湖街道东湖社区居民委员会", legal_form="社区", uscc_body="55330482MF0123456",
        address="平湖市当湖街道东湖社区服务中心 1 楼", founded="2003-09-01", contact="donghu_owner",
        introduction="东湖社区有居民 3,200 户，双职工家庭和外来务工家庭多，社区每年提出一批服务需求请社会组织领办。",
    ),
}

# --- the settled 2025 对接会 -----------------------------------------------------------------------
SESSION_2025 = dict(
    title="2025 年平湖市青年公益创投项目对接会", venue="平湖市民中心 3 楼多功能厅", held_at="2025-06-20 14:00",
    created="2025-06-02 10:00", opened="2025-06-20 13:50", closed="2025-06-20 17:10", settled="2025-07-25 16:00",
    description=(
        "2025 年平湖市公益创投大赛资格审查通过的 10 个项目逐一路演，爱心企业、基金会和社会团体现场认捐、认领。"
        "团市委设立 8 万元配捐资金池，按 1:1 配捐：单笔最多配捐 1 万元，每个项目最多 1.2 万元，每家单位最多 2 万元，"
        "1,000 元以下的认捐不配捐；各街道、社区同场发布服务需求，邀请社会组织领办。"
    ),
    match=dict(ratio="1", pool="80000.00", cap_per_pledge="10000.00", cap_project="12000.00", cap_sponsor="20000.00",
               minimum="1000.00", window=("2025-06-20 13:30", "2025-06-20 18:00")),
)
# Awarded projects raise more than their award: goal = award + this (others: their requested amount).
TO_RAISE_2025 = {
    "村村有个第一响应人": "30000.00",  # from 24 villages to all 60 of 林埭 and 广陈
    "爱在仲夏·为爱上色": "10000.00",
    "流动少年宫": "20000.00",
}
# The 一等奖 of 2025, paid by a foundation together with an association (award funding, no session).
AWARD_FUNDERS_2025 = [("qingpingguo", "20000.00"), ("qiyejia", "10000.00")]
AWARD_FUNDED_AT = "2025-06-05 15:00"

# Steps in time order: pledge / change / withdraw / accept (in-kind value) / confirm / lapse / receipt / naming.
# A pledge's sponsor "bank" is the demo sponsor; on_behalf pledges are recorded by committee2.
SETTLED_STEPS = [
    ("pledge", "2025-06-20 14:25", dict(key="b_warm", sponsor="bank", project="温暖回家路", amount="12000", purpose="物资费",
                                        message="支持为失智老人配发防走失手环，愿每一位老人都能平安回家。")),
    ("pledge", "2025-06-20 14:32", dict(key="a_first", sponsor="qiyejia", project="村村有个第一响应人", amount="4000",
                                        purpose="物资费", message="协会会员企业共同出资，用于村级急救包。")),
    ("pledge", "2025-06-20 14:40", dict(key="f_heart", sponsor="qingpingguo", project="点亮心灯", amount="8000", purpose="人员费")),
    ("pledge", "2025-06-20 14:48", dict(key="j_home", sponsor="jiahe", project="家•温暖", kind="in_kind", amount="6000",
                                        description="防滑垫、浴室扶手、夜灯等适老化物资", quantity="100 套")),
    ("pledge", "2025-06-20 14:55", dict(key="y_glass", sponsor="yinjian", project="关爱瓷娃娃", amount="5000")),
    ("pledge", "2025-06-20 15:02", dict(key="b_garden", sponsor="bank", project="红色嘉园", claim=True,
                                        message="平湖农商银行认领红色嘉园项目的全部缺口。")),
    ("change", "2025-06-20 15:10", dict(key="y_glass2", replaces="y_glass", amount="8000",
                                        message="经公司领导同意，认捐由 5,000 元增加到 8,000 元。")),
    ("pledge", "2025-06-20 15:15", dict(key="i_star", sponsor="qian", project="星星学堂", amount="2000", on_behalf=True,
                                        message="现场举牌认捐，由主办方代为登记。")),
    ("pledge", "2025-06-20 15:20", dict(key="a_palace", sponsor="qiyejia", project="流动少年宫", amount="5000", purpose="活动费")),
    ("pledge", "2025-06-20 15:28", dict(key="j_enzyme", sponsor="jiahe", project="环保酵素推广", amount="3000")),
    ("pledge", "2025-06-20 15:35", dict(key="f_summer", sponsor="qingpingguo", project="爱在仲夏·为爱上色", amount="5000")),
    ("pledge", "2025-06-20 15:40", dict(key="y_palace", sponsor="yinjian", project="流动少年宫", kind="in_kind", amount="4000",
                                        description="员工志愿者担任周末课堂科学实验助教", quantity="20 人次")),
    ("pledge", "2025-06-20 15:46", dict(key="y_home", sponsor="yinjian", project="家•温暖", amount="4000")),
    ("pledge", "2025-06-20 15:52", dict(key="a_enzyme", sponsor="qiyejia", project="环保酵素推广", amount="4000")),
    ("pledge", "2025-06-20 16:05", dict(key="b_enzyme", sponsor="bank", project="环保酵素推广", amount="5000", purpose="物资费")),
    ("pledge", "2025-06-20 16:12", dict(key="f_first", sponsor="qingpingguo", project="村村有个第一响应人", amount="8000")),
    ("pledge", "2025-06-20 16:20", dict(key="j_heart", sponsor="jiahe", project="点亮心灯", amount="5000")),
    ("withdraw", "2025-06-20 16:35", dict(key="j_enzyme", reason="公司下半年预算调整，本次先撤回，年底再议。")),
    ("accept", "2025-06-22 10:00", dict(key="j_home")),
    ("confirm", "2025-06-23 10:30", dict(key="f_heart", note="已收到基金会盖章的认捐确认书。")),
    ("confirm", "2025-06-24 09:40", dict(key="b_warm", note="已收到认捐确认书。")),
    ("confirm", "2025-06-24 09:45", dict(key="b_garden", note="已收到认捐确认书。")),
    ("confirm", "2025-06-25 14:00", dict(key="a_first")),
    ("confirm", "2025-06-25 14:05", dict(key="a_palace")),
    ("confirm", "2025-06-26 11:00", dict(key="j_home", note="物资清单已核对。")),
    ("confirm", "2025-06-27 15:20", dict(key="y_glass2")),
    ("confirm", "2025-06-27 15:25", dict(key="y_home")),
    ("naming", "2025-06-28 10:00", dict(key="b_garden", name="平湖农商银行·红色嘉园")),
    ("confirm", "2025-06-29 10:10", dict(key="f_summer")),
    ("confirm", "2025-06-30 16:00", dict(key="j_heart")),
    ("confirm", "2025-07-01 09:30", dict(key="i_star", note="钱先生已电话确认。")),
    ("confirm", "2025-07-02 10:00", dict(key="b_enzyme")),
    ("approve", "2025-07-02 10:30", dict(key="b_garden")),
    ("receipt", "2025-07-02 15:00", dict(key="i_star", amount="2000", payee="committee_fund", reference="现金缴款 0702-01")),
    ("confirm", "2025-07-03 14:30", dict(key="y_palace", note="服务时长难以折价，估值不计入缺口。")),
    ("confirm", "2025-07-04 10:00", dict(key="f_first")),
    ("receipt", "2025-07-08 11:00", dict(key="f_heart", amount="8000", payee="committee_fund", reference="QPG20250708001")),
    ("receipt", "2025-07-10 11:00", dict(key="b_warm", amount="6000", payee="committee_fund", reference="PHRCB-0710-3321")),
    ("receipt", "2025-07-10 11:05", dict(key="b_garden", amount="6000", payee="ngo", reference="PHRCB-0710-3322")),
    ("receipt", "2025-07-15 09:30", dict(key="a_first", amount="4000", payee="committee_fund", reference="QYJ-2025-037")),
    ("receipt", "2025-07-18 14:00", dict(key="y_glass2", amount="8000", payee="ngo", reference="YJKJ-FK-0718")),
    ("receipt", "2025-07-18 14:05", dict(key="y_home", amount="2000", payee="ngo", reference="YJKJ-FK-0719")),
    ("lapse", "2025-07-21 17:00", dict(key="a_enzyme", note="协会理事会未批准该笔支出，认捐确认书逾期未签回。")),
    ("receipt", "2025-08-15 10:00", dict(key="b_garden", amount="6393", payee="ngo", reference="PHRCB-0815-0457")),
]

# --- the standing catalogue of the autumn call (times "D-9 10:20": days from today, Shanghai time) ---
CATALOGUE = dict(
    title="2026 年社区微公益项目常年认领", created="D-14 10:00", opened="D-12 09:00", open_from="D-12", open_until="D+80",
    description=(
        "2026 年平湖市社区微公益创投的入围项目常年接受认捐、认领：爱心企业可随时选择项目认捐资金或物资，"
        "认领即承担项目的全部剩余缺口。团市委按 1:0.5 配捐，资金池 2 万元，每个项目最多配捐 3,000 元，先到先得。"
    ),
    match=dict(ratio="0.5", pool="20000.00", cap_project="3000.00"),
)
CATALOGUE_STEPS = [
    ("pledge", "D-9 10:20", dict(key="a_river", sponsor="qiyejia", project="小小河长", amount="4000", purpose="物资费")),
    ("pledge", "D-8 15:00", dict(key="f_kit", sponsor="qingpingguo", project="家庭应急包进万家", amount="5000")),
    ("confirm", "D-7 10:00", dict(key="a_river")),
    ("confirm", "D-6 11:30", dict(key="f_kit")),
    ("pledge", "D-5 11:00", dict(key="j_watch", sponsor="jiahe", project="邻里守望·独居老人关爱", kind="in_kind", amount="1500",
                                 description="大米、食用油等节日慰问品", quantity="60 份")),
    ("receipt", "D-4 14:00", dict(key="f_kit", amount="5000", payee="committee_fund", reference="QPG20261128002")),
    ("bookmark", "D-4 20:10", dict(project="楼道微治理")),
    ("bookmark", "D-4 20:12", dict(project="银龄智能手机课堂")),
    ("pledge", "D-3 16:30", dict(key="a_football", sponsor="qiyejia", project="融合足球", amount="2000")),
    ("bookmark", "D-3 21:00", dict(project="融合足球")),
    ("pledge", "D-2 09:40", dict(key="j_river", sponsor="jiahe", project="小小河长", claim=True,
                                 message="认领小小河长剩余缺口，支持孩子们守护家门口的河。")),
    ("pledge", "D-1 10:15", dict(key="b_stairs", sponsor="bank", project="楼道微治理", amount="3000", purpose="活动费",
                                 message="支持楼道议事会，请告知活动安排，我行员工愿意参加。")),
]

# --- needs (领办): two taken on at the 2025 对接会, one still taking offers in the catalogue ---------------
NEEDS = [
    dict(session="settled", department="danghu", poster="department", status="awarded",
         title="老旧小区独居老人助餐服务", budget="60000.00", place="当湖街道南河头、东湖、西湖等 6 个老旧小区",
         target="80 周岁以上独居、失能老人约 90 名", period=("2025-08-01", "2026-07-31"),
         service="依托社区长者食堂，为行动不便的独居老人每天送一顿午餐，送餐时询问健康、检查居家安全，发现异常及时告知社区。",
         posted="2025-06-10 09:30", due="2025-07-05 17:00", decided="2025-07-10 10:00",
         offers=[
             ("aiyizhan", "2025-06-24 10:20", "58000.00", "accepted",
              "沿用“把爱装进饭盒里”的送餐模式：组建 40 人送餐队，每天 11:00 前送达，每月上门评估一次，建立老人健康台账。",
              "项目负责人沈丽（中级社工师），送餐志愿者 40 名，合作长者食堂 2 家"),
             ("renxin", "2025-06-28 15:40", "60000.00", "declined",
              "由社工统筹助餐与探访，结合“金拐杖”探访网络，为每位老人制定个案服务计划。",
              "持证社工 4 名、志愿者 25 名"),
             ("baijia", "2025-07-03 11:05", "55000.00", "declined",
              "以百家爱心屋志愿者为主体，分片包干送餐，节假日开展集体用餐活动。",
              "志愿者 30 名，其中持证护理员 3 名"),
         ]),
    dict(session="settled", department="donghu", poster="donghu_owner", status="awarded",
         title="东湖社区青少年暑期托管", budget="30000.00", place="东湖社区服务中心 2 楼活动室",
         target="社区双职工家庭和外来务工家庭的小学生 60 名", period=("2025-07-14", "2025-08-29"),
         service="暑期工作日 8:30–17:00 看护小学生，提供作业辅导、安全教育、阅读和兴趣课程，中午在社区食堂用餐。",
         posted="2025-06-12 14:00", due="2025-07-01 17:00", decided="2025-07-04 16:30",
         offers=[
             ("renxin", "2025-06-21 09:15", "28000.00", "accepted",
              "以“四点半学校”的课程为基础，每天两名社工带班，配大学生志愿者 1:8 看护，每周一次家长反馈。",
              "项目负责人李娜（中级社工师），社工 3 名、大学生志愿者 16 名"),
             ("cunguan", "2025-06-23 20:30", "25000.00", "declined",
              "大学生村官轮流带班，开设书法、科学实验和剪纸课程。", "大学生村官 12 名"),
             ("yinxing", "2025-06-29 10:00", "26000.00", "declined",
              "托管期间开展“城市小管家”体验，带孩子参与社区垃圾分类和设施巡查。", "教师志愿者 8 名、大学生志愿者 10 名"),
         ]),
    dict(session="catalogue", department="danghu", poster="department", status="open",
         title="老年人智能手机与防诈骗课堂", budget="20000.00", place="当湖街道 12 个社区的老年活动室",
         target="60 周岁以上居民，每个社区 30 人左右", period=("D+30", "D+210"),
         service="每个社区开设 6 次小班课：健康码、移动支付、视频通话和常见电信诈骗识别，课后志愿者一对一答疑。",
         posted="D-6 09:00", due="D+20 17:00", decided=None,
         offers=[
             ("yinxing", "D-3 14:20", "16000.00", "submitted",
              "沿用“银龄智能手机课堂”的教案，每个社区由 2 名青年志愿者授课，配发大字版操作手册。",
              "项目负责人陆静，教师和大学生志愿者 24 名"),
             ("renxin", "D-1 19:45", "18500.00", "submitted",
              "社工与派出所民警合作，每期课程加入反诈情景演练，并为独居老人建立反诈联络员。",
              "社工 3 名、社区民警 2 名（协作）、志愿者 12 名"),
         ]),
]
