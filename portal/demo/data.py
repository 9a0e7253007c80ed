"""Names and texts of the demo data (kept apart from the code that builds the rows, portal/demo/__init__.py).

Organizations, projects and places follow /work/shared/examples/names.md (press reports on Zhejiang
volunteer programmes); people's names, phone numbers and codes are invented.
"""
from __future__ import annotations

from .grants_data import MENTOR, MENTOR_TITLE
from .judging_data import JUDGE_TITLES, JUDGES
from .matching_data import CUNGUAN, PROJECTS_2025

CATEGORIES = [
    "助老", "助残", "关爱儿童", "关爱外来务工人员", "环境保护", "社区治理",
    "应急救援", "文化教育", "医疗健康", "文明劝导", "禁毒与普法",
]

PASSWORD = "demo1234"

# key → user fields (the key is how the builder refers to the person)
USERS = {
    "committee": dict(email="committee@demo.yichuang.cn", name="陈晓燕", phone="0573-85012345"),
    "committee2": dict(email="committee2@demo.yichuang.cn", name="周建华", phone="0573-85012346"),
    "ngo": dict(email="ngo@demo.yichuang.cn", name="李娜", phone="13857312001"),
    "ngo2": dict(email="ngo2@demo.yichuang.cn", name="张伟", phone="13857312002"),
    "pending": dict(email="pending@demo.yichuang.cn", name="徐丽华", phone="13857312003"),
    "sponsor": dict(email="sponsor@demo.yichuang.cn", name="沈国强", phone="0573-85123456"),
    "judge": dict(email="judge@demo.yichuang.cn", name="王建国", phone="13905730004", is_judge=True),
    "sponsor2": dict(email="sponsor2@demo.yichuang.cn", name="许文斌", phone="0573-82086618"),
    "department": dict(email="department@demo.yichuang.cn", name="褚晓红", phone="0573-85021188"),
    # Owners of the other organizations: real-looking, but not demo logins.
    "aiyizhan_owner": dict(email="shenli@aiyizhan.example.cn", name="沈丽", phone="13857312005"),
    "yinxing_owner": dict(email="lujing@yinxing.example.cn", name="陆静", phone="13857312006"),
    "shuguang_owner": dict(email="gaofeng@shuguang.example.cn", name="高峰", phone="13857312007"),
    "fuyang_owner": dict(email="hexiaomei@fyyg.example.cn", name="何晓梅", phone="13957112008"),
    "baijia_owner": dict(email="zhumin@baijia.example.cn", name="朱敏", phone="13857312009"),
    "pugongying_owner": dict(email="fangyu@pgy.example.cn", name="方宇", phone="13857312010"),
    "dajiaoyin_owner": dict(email="jinbo@djy.example.cn", name="金波", phone="13857312011"),
    "xingfu_owner": dict(email="wuqiong@xfjr.example.cn", name="吴琼", phone="13757912012"),
    "cunguan_owner": dict(email="chensiyuan@cgjlb.example.cn", name="陈思远", phone="13857312013"),
}

# (role label, email, password, what to try with it) — the README lists these.
DEMO_ACCOUNTS = [
    ("主办方 committee", USERS["committee"]["email"], PASSWORD,
     "共青团平湖市委员会负责人：管理征集、资格审查、组织审核、评审、对接会与常年认领"),
    ("主办方成员 committee member", USERS["committee2"]["email"], PASSWORD,
     "共青团平湖市委员会成员：资格审查"),
    ("公益组织负责人 NGO owner", USERS["ngo"]["email"], PASSWORD,
     "平湖市仁芯社会工作服务中心（已认证）：申报书处于已提交、退回修改、已撤回、审查通过等状态；对接与认捐"),
    ("公益组织成员 NGO member", USERS["ngo2"]["email"], PASSWORD,
     "平湖市爱驿站公益服务中心成员：一份已提交、一份草稿"),
    ("待审核组织 unverified NGO", USERS["pending"]["email"], PASSWORD,
     "平湖市长红公益服务社（待审核）：只能保存草稿，不能提交"),
    ("爱心企业 sponsor", USERS["sponsor"]["email"], PASSWORD,
     "浙江平湖农村商业银行（已认证）：2025 年对接会的认捐、认领与冠名；常年认领目录里的收藏和一笔待确认认捐"),
    ("爱心企业 second sponsor", USERS["sponsor2"]["email"], PASSWORD,
     "嘉兴银建科技有限公司（已认证）：在常年认领目录中认捐、认领，与第一个爱心企业同时操作"),
    ("需求方 department", USERS["department"]["email"], PASSWORD,
     "平湖市当湖街道办事处（街道干部）：已领办的服务需求，和一个正在征集领办方的需求"),
    ("评委 judge", USERS["judge"]["email"], PASSWORD, "王建国，嘉兴学院社会工作系副教授：社区微公益创投初审有待评项目"),
    *[("评委 judge", JUDGES[key]["email"], PASSWORD, JUDGE_TITLES[key]) for key in JUDGES],
    ("孵化导师 mentor", MENTOR["email"], PASSWORD, MENTOR_TITLE),
]

COMMITTEE = dict(
    name="共青团平湖市委员会", legal_form="群团组织", uscc_body="11330482002587654",
    province="浙江省", city="嘉兴市", district="平湖市", contact_name="陈晓燕", contact_phone="0573-85012345",
    address="平湖市当湖街道新华中路 258 号", founded="1950-05-04",
    introduction="共青团平湖市委员会负责全市青年志愿服务与青年社会组织培育，自 2017 年起每年举办平湖市青年公益创投大赛。",
)

SPONSOR = dict(
    name="浙江平湖农村商业银行股份有限公司", legal_form="企业", uscc_body="91330400146911235",
    province="浙江省", city="嘉兴市", district="平湖市", contact_name="沈国强", contact_phone="0573-85123456",
    address="平湖市当湖街道胜利路 1 号", founded="2005-09-20",
    introduction="平湖农商银行坚持“服务三农、服务小微、服务社区”，连续多年设立公益专项资金支持青年公益项目。",
)

# key → organization fields; status is verified / pending / rejected.
# uscc_body is the first 17 characters (the check character is computed); None for grass-roots teams.
NGOS = {
    "renxin": dict(
        name="平湖市仁芯社会工作服务中心", legal_form="社会组织", uscc_body="52330482MJ9012345",
        district="平湖市", address="平湖市当湖街道东湖社区服务中心 2 楼", founded="2016-03-18",
        contact="ngo", status="verified",
        introduction="仁芯社工是平湖市首批专业社会工作机构之一，现有持证社工 12 名，长期承接社区儿童、老年人和困境家庭服务项目。",
    ),
    "aiyizhan": dict(
        name="平湖市爱驿站公益服务中心", legal_form="社会组织", uscc_body="52330482MJ9023456",
        district="平湖市", address="平湖市钟埭街道沪杭公路 888 号", founded="2015-07-01",
        contact="aiyizhan_owner", status="verified",
        introduction="爱驿站由一群平湖本地青年发起，关注独居老人和外来务工人员，常年开展送餐、陪伴和城市融入服务。",
    ),
    "yinxing": dict(
        name="平湖市小银杏志愿服务队", legal_form="志愿服务队", uscc_body=None,
        supervising_org="平湖市志愿者协会",
        district="平湖市", address="平湖市当湖街道当湖中学西侧志愿者之家", founded="2018-09-10",
        contact="yinxing_owner", status="verified",
        introduction="由平湖市中小学教师和大学生组成的草根志愿服务队，挂靠平湖市志愿者协会，专注社区治理与垃圾分类宣传。",
    ),
    "shuguang": dict(
        name="平湖市曙光应急救援服务中心", legal_form="社会组织", uscc_body="52330482MJ9034567",
        district="平湖市", address="平湖市林埭镇林埭大道 66 号", founded="2014-11-09",
        contact="shuguang_owner", status="verified",
        introduction="曙光应急救援是一支专业民间救援队伍，拥有水域救援、山地救援和应急救护培训资质，队员 86 名。",
    ),
    "fuyang": dict(
        name="杭州市富阳区阳光公益服务中心", legal_form="社会组织", uscc_body="52330111MJ9045678",
        city="杭州市", district="富阳区", address="杭州市富阳区富春街道江滨西大道 57 号", founded="2012-04-22",
        contact="fuyang_owner", status="verified",
        introduction="富阳阳光公益成立十余年，开展“夜走富春江”环保巡河、阳光爱心书屋等项目，志愿者 1,200 余人。",
    ),
    "baijia": dict(
        name="平湖市新埭镇百家爱心屋公益服务中心", legal_form="社会组织", uscc_body="52330482MJ9056789",
        district="平湖市", address="平湖市新埭镇新中路 12 号", founded="2017-06-01",
        contact="baijia_owner", status="verified",
        introduction="百家爱心屋以“百家帮百家”为宗旨，为新埭镇残障人士家庭和孤独症儿童家庭提供上门陪伴和康复支持。",
    ),
    "changhong": dict(
        name="平湖市长红公益服务社", legal_form="社会组织", uscc_body="52330482MJ9067890",
        district="平湖市", address="平湖市当湖街道长红社区居委会 3 楼", founded="2023-02-15",
        contact="pending", status="pending",
        introduction="长红公益由长红社区退休党员和青年志愿者共同发起，开展红色文化宣讲和青少年周末课堂。",
    ),
    "pugongying": dict(
        name="平湖市蒲公英青少年服务中心", legal_form="社会组织", uscc_body="52330482MJ9078901",
        district="平湖市", address="平湖市钟埭街道兴平二路 19 号", founded="2024-05-20",
        contact="pugongying_owner", status="pending",
        introduction="蒲公英青少年服务中心关注留守儿童和流动儿童的心理健康，组织高校志愿者开展结对陪伴。",
    ),
    "dajiaoyin": dict(
        name="平湖市大脚印志愿服务中心", legal_form="社会组织", uscc_body="52330482MJ9089012",
        uscc_check_failed=True,
        district="平湖市", address="平湖市林埭镇徐家埭村文化礼堂", founded="2019-08-08",
        contact="dajiaoyin_owner", status="pending",
        introduction="大脚印志愿服务中心组织徒步公益活动，为乡村学校募集图书和文具。",
    ),
    "xingfu": dict(
        name="金华市幸福家人公益协会", legal_form="社会组织", uscc_body="51330702MJ9090123",
        city="金华市", district="婺城区", address="金华市婺城区八一南街 300 号", founded="2013-10-12",
        contact="xingfu_owner", status="rejected",
        rejection_reason="上传的登记证书照片模糊无法辨认，且联系人电话多次无人接听。请上传清晰的登记证书扫描件并更新联系人电话后重新提交审核。",
        introduction="幸福家人公益协会关注困境家庭儿童，开展助学结对和暑期陪伴活动。",
    ),
}

CALL_2026 = dict(
    code="PH2026", title="2026 年平湖市青年公益创投大赛",
    description=(
        "为深入推进青年志愿服务和社会组织参与基层治理，共青团平湖市委员会联合平湖农商银行举办 2026 年平湖市青年公益创投大赛，"
        "面向全市公益组织和志愿服务队征集助老、助残、关爱儿童、环境保护、社区治理等领域的公益项目。\n\n"
        "每个项目资助 1–5 万元，资金池 50 万元；项目自筹资金不少于预算总额的 10%，管理费不超过 10%。"
        "入围项目将参加复审和决赛路演，优秀项目可在公益项目对接会上获得爱心企业认捐。"
    ),
    funding_min="10000.00", funding_max="50000.00", total_pool="500000.00",
    min_self_funding_pct="10.00", admin_cost_cap_pct="10.00",
    eligible_regions=["浙江省/嘉兴市"], max_applications_per_org=2,
    contact="团市委社会联络部 陈老师 0573-85012345",
    categories=["助老", "助残", "关爱儿童", "关爱外来务工人员", "环境保护", "社区治理", "应急救援", "文化教育", "文明劝导"],
)

CALL_2025 = dict(
    code="PH2025", title="2025 年平湖市公益创投大赛",
    description=(
        "2025 年平湖市公益创投大赛面向平湖市登记注册的社会组织和志愿服务队征集公益项目，"
        "每个项目资助 0.5–3 万元，资金池 30 万元。"
    ),
    funding_min="5000.00", funding_max="30000.00", total_pool="300000.00",
    min_self_funding_pct="5.00", admin_cost_cap_pct="10.00",
    eligible_regions=["浙江省/嘉兴市/平湖市"], max_applications_per_org=2,
    contact="团市委社会联络部 周老师 0573-85012346",
    categories=["助老", "助残", "关爱儿童", "环境保护", "社区治理", "应急救援", "文化教育", "医疗健康"],
)

# Team members to draw from (name, role, qualification).
TEAM = [
    ("李娜", "项目负责人", "中级社会工作师，从事社区服务 8 年"),
    ("顾晓峰", "项目执行", "助理社会工作师，心理咨询师三级"),
    ("钱佳慧", "志愿者督导", "平湖市优秀志愿者，服务时长 1,500 小时"),
    ("蒋文涛", "财务", "会计师，负责项目资金管理"),
    ("孙倩", "宣传", "新闻专业毕业，负责项目宣传与记录"),
    ("杨帆", "活动组织", "大学生村官，组织社区活动 50 余场"),
]

# One entry per demo application.
#   org, call ("2026"/"2025"), status, title, category, area, target, count, summary, need, goals,
#   activities [(name, months from start, length in months, milestone)],
#   lines [(budget category, item, unit price, quantity)] — 管理费 and the self-funding are added by the builder.
#   Optional: reason (return / ineligible), reason2 (second return), self_share (default 0.15).
PROJECTS = [
    dict(org="renxin", call="2026", status="submitted", title="四点半学校", category="关爱儿童",
         area="平湖市当湖街道东湖社区、西湖社区", target="双职工家庭和外来务工家庭的小学一至四年级学生", count=120,
         summary="在社区服务中心开设放学后的“四点半学校”，由社工和大学生志愿者提供课业辅导、安全教育和兴趣课程。",
         need="两个社区共有小学生 640 名，其中约三成来自双职工或外来务工家庭，放学后 16:30–18:30 无人看护，存在安全隐患和学业困难。",
         goals="一年内服务儿童 120 名，开展课后辅导 160 次、安全教育 12 次、兴趣课程 40 次；家长满意度达到 90% 以上。",
         activities=[("志愿者招募与培训", 0, 1, "招募并培训大学生志愿者 30 名"), ("课后辅导与兴趣课程", 1, 9, "完成辅导 160 次、兴趣课 40 次"),
                     ("成果展示与评估", 10, 1, "举办成果展示会，完成评估报告")],
         lines=[("人员费", "社工课时补贴", "100.00", "160"), ("活动费", "兴趣课程材料", "150.00", "40"),
                ("物资费", "学习用品与图书", "60.00", "120"), ("宣传费", "宣传海报与成果集", "2500.00", "1"),
                ("活动费", "志愿者交通与餐费补贴", "30.00", "300")]),
    dict(org="renxin", call="2026", status="returned", title="金拐杖", category="助老",
         area="平湖市当湖街道", target="80 周岁以上独居和空巢老人", count=60,
         summary="为高龄独居老人配备“金拐杖”智能呼叫手环，社工和志愿者定期上门探访，建立邻里守望网络。",
         need="当湖街道 80 岁以上独居老人 210 名，子女多不在身边，突发疾病时难以及时求助。",
         goals="为 60 名老人建立探访档案，每月上门探访 2 次，组建邻里守望小组 10 个。",
         activities=[("老人需求评估", 0, 1, "完成 60 户需求评估"), ("定期探访与守望", 1, 10, "完成上门探访 1,200 人次"),
                     ("总结评估", 11, 1, "形成服务报告")],
         lines=[("物资费", "智能呼叫手环", "280.00", "60"), ("人员费", "社工探访补贴", "50.00", "240"),
                ("活动费", "邻里守望小组活动", "400.00", "20"), ("宣传费", "服务手册印刷", "8.00", "300")],
         reason="活动安排过于笼统：请写明每月探访的次数、时间和参与志愿者人数，并补充智能手环的询价依据。",
         reason2="第二版仍缺少项目负责人的社会工作师证书扫描件，请在附件中补充后再次提交。"),
    dict(org="renxin", call="2026", status="withdrawn", title="亲青老娘舅", category="社区治理",
         area="平湖市当湖街道", target="社区邻里纠纷当事人", count=200,
         summary="组织青年志愿者和退休调解员组成“亲青老娘舅”队伍，调解邻里纠纷。",
         need="老旧小区邻里纠纷多发，社区调解力量不足。", goals="调解纠纷 50 起，培训青年调解员 20 名。",
         activities=[("调解员培训", 0, 2, "培训 20 名青年调解员"), ("驻点调解", 2, 9, "调解纠纷 50 起")],
         lines=[("人员费", "调解员补贴", "80.00", "150"), ("活动费", "调解培训", "1500.00", "4"), ("宣传费", "宣传折页", "3.00", "2000")],
         reason="本机构本年度已有两个项目申报，决定撤回本项目，明年再申报。"),
    dict(org="aiyizhan", call="2026", status="submitted", title="把爱装进饭盒里", category="助老",
         area="平湖市钟埭街道", target="行动不便的独居、失能老人", count=80,
         summary="联合社区食堂为行动不便的老人每天送午餐，送餐同时进行健康询问和陪伴聊天。",
         need="钟埭街道有 80 余名失能、半失能独居老人，无力自己做饭，社区食堂无送餐能力。",
         goals="全年送餐 19,000 份，志愿者陪伴 2,000 人次，老人满意度 95% 以上。",
         activities=[("送餐志愿者招募", 0, 1, "组建 40 人送餐队"), ("每日送餐与陪伴", 1, 11, "送餐 19,000 份"),
                     ("节日关爱活动", 3, 8, "开展节日活动 4 次")],
         lines=[("活动费", "送餐补贴（每份差价）", "2.00", "19000"), ("物资费", "保温餐箱", "120.00", "40"),
                ("人员费", "送餐志愿者交通补贴", "20.00", "400"), ("宣传费", "项目宣传片", "3000.00", "1")]),
    dict(org="aiyizhan", call="2026", status="draft", title="爱心歇脚点", category="关爱外来务工人员",
         area="平湖市钟埭街道、平湖经济技术开发区", target="环卫工人、快递员和外来务工人员", count=500,
         summary="在沿街商铺设立爱心歇脚点，为户外劳动者提供饮水、热饭、充电和休息。",
         need="开发区户外劳动者约 3,000 人，夏季高温和冬季寒冷时缺少休息场所。", goals="设立歇脚点 20 个。",
         activities=[("商铺招募", 0, 2, "签约 20 家商铺")],
         lines=[("物资费", "歇脚点标识与物资包", "500.00", "20")]),
    dict(org="yinxing", call="2026", status="eligible", title="金平湖城市小管家", category="社区治理",
         area="平湖市当湖街道、钟埭街道", target="8–14 岁青少年及其家庭", count=300,
         summary="招募青少年担任“城市小管家”，在家长和志愿者带领下巡查社区设施、劝导不文明行为，并向社区提出改进建议。",
         need="社区治理中青少年参与渠道少，社区公共设施损坏发现不及时。",
         goals="培训城市小管家 300 名，开展巡查 100 次，提交社区改进建议 50 条。",
         activities=[("小管家招募培训", 0, 2, "培训 300 名小管家"), ("社区巡查", 2, 8, "完成巡查 100 次"),
                     ("小管家议事会", 10, 2, "提交建议 50 条")],
         lines=[("活动费", "巡查活动组织", "150.00", "100"), ("物资费", "小管家马甲与工作包", "45.00", "300"),
                ("活动费", "培训课程", "800.00", "6"), ("宣传费", "成果展板", "300.00", "10")]),
    dict(org="yinxing", call="2026", status="submitted", title="垃圾分类一分平湖美十分", category="环境保护",
         area="平湖市当湖街道 12 个小区", target="小区居民", count=5000,
         summary="志愿者在投放点开展垃圾分类督导，进校园、进家庭宣传分类知识。",
         need="试点小区分类准确率约 60%，居民对分类标准不熟悉。", goals="试点小区分类准确率提高到 85%。",
         activities=[("督导员培训", 0, 1, "培训督导志愿者 60 名"), ("定时定点督导", 1, 10, "督导 2,000 小时"),
                     ("分类知识进校园", 3, 6, "进校园 10 场")],
         lines=[("人员费", "督导志愿者补贴", "15.00", "2000"), ("物资费", "分类宣传品", "5.00", "2000"),
                ("活动费", "进校园活动", "600.00", "10")]),
    dict(org="shuguang", call="2026", status="submitted", title="应急救护进社区", category="应急救援",
         area="平湖市 8 个镇街道", target="社区居民、学校师生", count=2000,
         summary="由持证救援队员在社区和学校开展心肺复苏、AED 使用和溺水自救培训。",
         need="平湖水网密布，夏季溺水事故时有发生，居民急救技能普及率低。", goals="培训 2,000 人，其中 300 人取得救护员证。",
         activities=[("培训课程开发", 0, 1, "完成课件"), ("社区与学校培训", 1, 9, "培训 40 场")],
         lines=[("活动费", "培训场次组织", "500.00", "40"), ("物资费", "训练用模拟人与 AED 训练机", "3500.00", "4"),
                ("人员费", "讲师课时费", "200.00", "80")]),
    dict(org="shuguang", call="2026", status="draft", title="交通文明劝导", category="文明劝导",
         area="平湖市主城区路口", target="非机动车驾驶人", count=10000,
         summary="在早晚高峰的主要路口开展交通文明劝导。", need="", goals="",
         activities=[], lines=[]),
    dict(org="fuyang", call="2026", status="ineligible", title="夜走富春江", category="环境保护",
         area="杭州市富阳区富春江沿岸", target="市民和青少年", count=1500,
         summary="夜间沿富春江巡河，宣传水环境保护并清理岸边垃圾。",
         need="富春江沿岸夜间游客多，垃圾随意丢弃。", goals="巡河 50 次，清理垃圾 5 吨。",
         activities=[("夜间巡河", 0, 10, "巡河 50 次")],
         lines=[("活动费", "巡河活动", "400.00", "50"), ("物资费", "清理工具和反光背心", "80.00", "100")],
         reason="本次大赛限嘉兴市范围内的组织和项目申报，贵机构登记地和项目服务区域均在杭州市富阳区，不符合申报条件。"),
    dict(org="baijia", call="2026", status="eligible", title="百家爱心屋·微心愿", category="助残",
         area="平湖市新埭镇", target="残障人士家庭", count=150,
         summary="收集残障家庭的微心愿，链接爱心企业和志愿者逐一认领实现，并定期上门陪伴。",
         need="新埭镇持证残障人士 620 名，其中 150 户家庭经济困难、缺少社会支持。", goals="实现微心愿 150 个，上门陪伴 600 人次。",
         activities=[("心愿收集", 0, 2, "收集心愿 150 个"), ("认领与实现", 2, 8, "实现心愿 150 个"), ("上门陪伴", 1, 11, "陪伴 600 人次")],
         lines=[("物资费", "微心愿物资", "150.00", "150"), ("人员费", "上门陪伴补贴", "20.00", "600"),
                ("活动费", "心愿认领活动", "1200.00", "4")]),
    dict(org="baijia", call="2026", status="submitted", title="牵手小星星", category="助残",
         area="平湖市新埭镇、林埭镇", target="孤独症儿童及其家庭", count=40,
         summary="为孤独症儿童提供社交融合小组活动，为家长提供喘息服务和照护培训。",
         need="两镇已确诊孤独症儿童 40 余名，康复机构远在市区，家长照护压力大。", goals="开展融合小组 48 次，家长培训 12 次。",
         activities=[("个案评估", 0, 1, "完成 40 名儿童评估"), ("融合小组", 1, 10, "开展小组 48 次"), ("家长喘息服务", 1, 10, "服务 200 小时")],
         lines=[("人员费", "康复师课时费", "300.00", "48"), ("活动费", "家长培训", "800.00", "12"),
                ("物资费", "感统训练器材", "2000.00", "3"), ("人员费", "喘息服务补贴", "40.00", "200")]),
    dict(org="changhong", call="2026", status="draft", title="红色周末学堂", category="文化教育",
         area="平湖市当湖街道长红社区", target="社区青少年", count=80,
         summary="每周六由退休党员讲述平湖红色故事，带领青少年走访红色场馆。",
         need="社区青少年对本地红色历史了解不多。", goals="开展周末课堂 40 次。",
         activities=[("周末课堂", 0, 10, "开课 40 次")],
         lines=[("活动费", "课堂组织", "200.00", "40")]),
    dict(org="pugongying", call="2026", status="draft", title="“蒲公英”关爱行动", category="关爱儿童",
         area="平湖市钟埭街道", target="留守和流动儿童", count=60,
         summary="高校志愿者与留守儿童一对一结对，开展每周陪伴和心理支持。", need="", goals="",
         activities=[], lines=[]),
    # --- the closed 2025 call ---
    dict(org="renxin", call="2025", status="eligible", title="星星学堂", category="关爱儿童",
         area="平湖市当湖街道", target="困境家庭儿童", count=50,
         summary="为困境家庭儿童提供暑期托管和阅读陪伴。", need="困境家庭暑期无人照看孩子。", goals="暑期托管 50 名儿童 40 天。",
         activities=[("暑期托管", 0, 2, "托管 40 天")],
         lines=[("人员费", "托管老师补贴", "150.00", "80"), ("物资费", "图书与文具", "40.00", "50"), ("活动费", "户外研学", "1500.00", "2")]),
    dict(org="aiyizhan", call="2025", status="eligible", title="家•温暖", category="助老",
         area="平湖市钟埭街道", target="空巢老人", count=100,
         summary="为空巢老人提供居家小修小补和节日陪伴。", need="空巢老人居家安全隐患多。", goals="上门服务 400 人次。",
         activities=[("居家服务", 0, 10, "服务 400 人次")],
         lines=[("人员费", "维修志愿者补贴", "30.00", "400"), ("物资费", "防滑垫、扶手等适老化物资", "80.00", "100")]),
    dict(org="yinxing", call="2025", status="eligible", title="红色嘉园", category="社区治理",
         area="平湖市当湖街道", target="社区居民", count=800,
         summary="组织党员志愿者和居民共建社区红色文化小花园。", need="社区公共空间闲置、缺少活力。", goals="建成红色嘉园 3 处。",
         activities=[("共建活动", 0, 6, "建成 3 处")],
         lines=[("物资费", "花木与展板", "2500.00", "3"), ("活动费", "共建日活动", "500.00", "12")]),
    dict(org="shuguang", call="2025", status="ineligible", title="青春义诊站", category="医疗健康",
         area="平湖市林埭镇", target="农村老年人", count=600,
         summary="组织青年医护志愿者每月下乡义诊。", need="农村老人就医不便。", goals="义诊 12 次，服务 600 人次。",
         activities=[("下乡义诊", 0, 12, "义诊 12 次")],
         lines=[("活动费", "义诊组织", "1200.00", "12"), ("物资费", "血压计、血糖仪", "300.00", "10")],
         reason="义诊属于医疗服务，申报材料未提供具备执业资质的医疗机构合作协议，不符合本次大赛申报条件。"),
    dict(org="baijia", call="2025", status="withdrawn", title="最美笑脸", category="关爱儿童",
         area="平湖市新埭镇", target="残障儿童", count=30,
         summary="为残障儿童和家庭拍摄全家福，举办“最美笑脸”摄影展。", need="残障家庭缺少社会关注。", goals="拍摄 30 组全家福。",
         activities=[("拍摄与展览", 0, 4, "举办展览 1 次")],
         lines=[("活动费", "摄影与冲印", "300.00", "30"), ("宣传费", "摄影展布展", "3000.00", "1")],
         reason="合作的摄影协会年内无法安排档期，撤回申报。"),
    dict(org="fuyang", call="2025", status="ineligible", title="阳光爱心书屋", category="文化教育",
         area="杭州市富阳区", target="农村留守儿童", count=400,
         summary="在农村小学建立爱心书屋并组织读书会。", need="农村小学图书资源匮乏。", goals="建成书屋 5 个。",
         activities=[("书屋建设", 0, 6, "建成 5 个")],
         lines=[("物资费", "图书与书架", "3000.00", "5"), ("活动费", "读书会", "300.00", "20")],
         reason="本次大赛仅面向平湖市登记注册的组织，贵机构登记地为杭州市富阳区，不符合申报条件。"),
]
# The 2025 call's further projects and the grass-roots team behind one of them (portal/demo/matching_data.py).
NGOS["cunguan"] = CUNGUAN
PROJECTS += PROJECTS_2025
