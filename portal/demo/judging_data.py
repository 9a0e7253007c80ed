"""Demo texts for judging: two more calls (one in judging, one under public notice), judges,
rubrics, award tiers and the public's objections. portal/demo/judging.py builds them."""
from __future__ import annotations

JUDGES = {
    # The demo's first judge (王建国) is in data.USERS; these four join him on the pitch panel.
    "judge2": dict(email="judge2@demo.yichuang.cn", name="刘敏", phone="13905730005", is_judge=True),
    "judge3": dict(email="judge3@demo.yichuang.cn", name="赵志刚", phone="13905730006", is_judge=True),
    "judge4": dict(email="judge4@demo.yichuang.cn", name="孙丽萍", phone="13905730007", is_judge=True),
    "judge5": dict(email="judge5@demo.yichuang.cn", name="黄伟东", phone="13905730008", is_judge=True),
}
JUDGE_TITLES = {
    "judge2": "刘敏，平湖市民政局社会组织服务中心主任",
    "judge3": "赵志刚，注册会计师（预算评审）",
    "judge4": "孙丽萍，嘉兴市公益组织发展中心项目总监",
    "judge5": "黄伟东，平湖农商银行公益基金会秘书长",
}

CALL_AUTUMN = dict(
    code="PHWX26", title="2026 年平湖市社区微公益创投",
    description=(
        "面向平湖市各镇街道的社区社会组织和志愿服务队，征集贴近居民需求、投入小、见效快的社区微公益项目。"
        "每个项目资助 0.5–2 万元，资金池 15 万元。经初审（网络评审，匿名）和决赛路演两轮评审确定资助名单。"
    ),
    funding_min="5000.00", funding_max="20000.00", total_pool="150000.00",
    min_self_funding_pct="5.00", admin_cost_cap_pct="10.00",
    eligible_regions=["浙江省/嘉兴市/平湖市"], max_applications_per_org=2,
    contact="团市委社会联络部 陈老师 0573-85012345",
    categories=["助老", "助残", "关爱儿童", "环境保护", "社区治理", "应急救援", "文化教育"],
)

CALL_SPRING = dict(
    code="PHCJ26", title="2026 年“益起来”青少年公益创投（春季）",
    description=(
        "面向青少年事务领域征集公益项目，经初审和决赛路演评出一、二、三等奖和人气奖，"
        "获奖项目获得相应的创投资金。评审结果公示 7 天，公示期间接受社会各界监督。"
    ),
    funding_min="5000.00", funding_max="30000.00", total_pool="100000.00",
    min_self_funding_pct="5.00", admin_cost_cap_pct="10.00",
    eligible_regions=["浙江省/嘉兴市/平湖市"], max_applications_per_org=2,
    contact="团市委青少年发展部 周老师 0573-85012346",
    categories=["关爱儿童", "文化教育", "应急救援", "社区治理", "助残"],
)

ONLINE_RUBRIC = [
    # name, maximum, weight, guidance
    ("必要性", 20, 1, "需求是否真实、迫切，有调研数据支撑"),
    ("可行性", 20, 1, "目标、活动和进度安排是否清晰可行"),
    ("创新性", 15, 1, "服务方式或资源整合是否有新意"),
    ("团队能力", 15, 1, "团队的专业背景和既往服务经验"),
    ("预算合理性", 15, 1, "预算是否细致、合理，自筹是否落实"),
    ("社会效益", 15, 1, "受益面、可持续性和可推广性"),
]
PITCH_RUBRIC = [
    ("项目展示", 30, 1, "陈述是否清晰、重点突出，在规定时间内完成"),
    ("答辩表现", 30, 1, "回答评委提问是否准确、有说服力"),
    ("社会价值", 40, 1, "项目的社会价值与示范意义"),
]

AWARD_TIERS = [
    # name, places, amount per place, is_popularity
    ("一等奖", 1, "30000.00", False),
    ("二等奖", 1, "20000.00", False),
    ("三等奖", 2, "10000.00", False),
    ("人气奖", 1, "5000.00", True),
]
AWARD_TIERS_2025 = [("一等奖", 1, "30000.00", False), ("二等奖", 2, "15000.00", False)]


def _project(org, call, title, category, area, target, count, summary, lines, activities=None):
    return dict(
        org=org, call=call, status="eligible", title=title, category=category, area=area, target=target,
        count=count, summary=summary, need=f"{area}{target}的服务需求突出，现有服务覆盖不足。",
        goals=f"项目周期内服务{target} {count} 人，形成可复制的社区服务模式。",
        activities=activities or [("筹备与招募", 0, 1, "完成志愿者招募与培训"), ("服务实施", 1, 8, "按计划开展服务"),
                                  ("总结评估", 9, 1, "完成项目评估报告")],
        lines=lines,
    )


JUDGING_PROJECTS = [
    _project("renxin", "autumn", "邻里守望·独居老人关爱", "助老", "平湖市当湖街道", "独居老人", 60,
             "组织邻里志愿者结对独居老人，每周上门探访、代购代办。",
             [("人员费", "探访志愿者补贴", "20.00", "300"), ("物资费", "探访慰问品", "50.00", "60")]),
    _project("renxin", "autumn", "小小河长", "环境保护", "平湖市钟埭街道", "小学生", 200,
             "带领小学生巡河、检测水质，开展护水宣传。",
             [("活动费", "巡河活动组织", "400.00", "12"), ("物资费", "水质检测试剂盒", "80.00", "40")]),
    _project("aiyizhan", "autumn", "爱心理发进社区", "助老", "平湖市曹桥街道", "高龄老人", 300,
             "培训理发志愿者，每月到社区和养老院为老人义务理发。",
             [("物资费", "理发工具", "300.00", "10"), ("活动费", "义剪活动", "200.00", "24")]),
    _project("yinxing", "autumn", "楼道微治理", "社区治理", "平湖市当湖街道", "老旧小区居民", 500,
             "以楼道为单元组建居民议事小组，协商解决楼道堆物、停车等小事。",
             [("活动费", "议事会组织", "150.00", "40"), ("宣传费", "楼道公约展板", "120.00", "30")]),
    _project("yinxing", "autumn", "银龄智能手机课堂", "文化教育", "平湖市新仓镇", "老年人", 150,
             "青年志愿者教老人使用健康码、移动支付和防诈骗知识。",
             [("人员费", "讲师补贴", "200.00", "24"), ("物资费", "教学手册", "15.00", "150")]),
    _project("shuguang", "autumn", "家庭应急包进万家", "应急救援", "平湖市广陈镇", "农村家庭", 400,
             "入户讲解家庭应急知识并配发应急包。",
             [("物资费", "家庭应急包", "35.00", "300"), ("活动费", "入户宣讲", "100.00", "20")]),
    _project("baijia", "autumn", "融合足球", "助残", "平湖市新埭镇", "智障青少年", 40,
             "组织智障青少年与普通学生组队踢球，促进社会融合。",
             [("物资费", "运动装备", "150.00", "40"), ("活动费", "训练场地", "300.00", "20")]),
    _project("baijia", "autumn", "轮椅上的春游", "助残", "平湖市新埭镇", "肢体残疾人", 50,
             "组织志愿者陪伴肢体残疾人外出踏青、参观城市新貌。",
             [("活动费", "无障碍车辆租赁", "1200.00", "4"), ("人员费", "陪护志愿者补贴", "50.00", "80")]),
    _project("renxin", "spring", "青春护航·校园防欺凌", "关爱儿童", "平湖市当湖街道", "中小学生", 1200,
             "社工进校园开展防欺凌情景剧和小组辅导。",
             [("人员费", "社工课时", "200.00", "40"), ("活动费", "情景剧排演", "800.00", "6")]),
    _project("aiyizhan", "spring", "周末科学营", "文化教育", "平湖市钟埭街道", "外来务工子女", 80,
             "大学生志愿者周末带孩子做科学小实验。",
             [("物资费", "实验器材", "60.00", "80"), ("人员费", "志愿者交通补贴", "30.00", "120")]),
    _project("yinxing", "spring", "红领巾小小讲解员", "文化教育", "平湖市当湖街道", "小学生", 60,
             "培训小学生担任本地红色场馆讲解员。",
             [("人员费", "讲解培训", "300.00", "12"), ("宣传费", "讲解员风采展", "2000.00", "1")]),
    _project("shuguang", "spring", "青少年防溺水", "应急救援", "平湖市林埭镇", "农村青少年", 600,
             "暑期在水域周边开展巡查与防溺水教育。",
             [("活动费", "巡查与宣讲", "300.00", "20"), ("物资费", "救生设备", "400.00", "10")]),
    _project("baijia", "spring", "星星的孩子艺术疗愈", "助残", "平湖市新埭镇", "孤独症儿童", 30,
             "为孤独症儿童开设绘画和音乐疗愈小组。",
             [("人员费", "艺术治疗师", "400.00", "24"), ("物资费", "画材与乐器", "1500.00", "2")]),
]

OBJECTIONS = [
    # name, contact, project title, body, answer (None = pending), upheld
    ("陆先生", "13857300123", "青少年防溺水",
     "该项目去年已获得镇里的防溺水专项经费，是否存在重复资助？", None, False),
    ("王女士", "wang.ls@example.cn", "青春护航·校园防欺凌",
     "项目负责人是否为评委的亲属？希望说明评审回避情况。",
     "经核查，项目负责人与本轮评委均无亲属关系；本轮评委已按规定签署回避声明。异议不成立。", False),
]
NOTICE_TEXT = (
    "经资格审查、初审和决赛路演，2026 年“益起来”青少年公益创投（春季）评审结果已产生，现予以公示。"
    "公示期间，如有异议，请在本页提交或致电团市委青少年发展部 0573-85012346。"
)
