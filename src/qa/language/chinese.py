"""Chinese wording: the words and patterns the question analysis and the answer builder read
in Chinese questions and report text. Data only; the logic is in qa.retrieval and qa.answer.

Everything here is general language, for any corpus: no place, donor or figure of a report.
"""

from __future__ import annotations

# Question types, first match wins: (type, pattern).
QUESTION_TYPES = [
    ("year", r"哪一年|哪年|何时|什么时候|哪个年份|年份|几几年|始于|从哪"),
    ("amount", r"多少(?:钱|资金|元|[万亿](?:元|(?![\u4e00-\u9fff])))|资金|金额|多少经费|投入了多少|援助了多少(?![个所名人家批项次吨亩座条户])|捐了多少"
               r"|(?:投资|投入|花费|费用|成本|造价|花了)(?:是|有|为)?多少"
               # output and sales are money too: 年产值是多少, 卖了多少
               r"|(?:产值|销售额|收入|利润|税收|交易额|成交额|营业额)(?:是|有|为|达到?)?多少|(?:卖|售)了?多少(?![吨亩个件箱斤公])"),
    ("count", r"多少|几[个所名人家批项次吨亩座条户]|多(?:高|长|大|重|深|宽|远|久)"),
    ("name", r"哪|什么|谁|名称|叫"),
]

# 哪些, 有什么: a question asking for several things.
ASKS_SEVERAL = r"哪些|有什么|都有"
# 一共: a running total answers best.
ASKS_TOTAL = r"一共|总共|共计|总计|合计|累计|总额|总数"
# How a report marks a running total.
TOTAL_MARKERS = r"累计|共计|总计|合计|总共|一共|总额|共受援|共\d"

# Nouns that frame a Chinese question rather than name a thing ("在…方面", "…的情况").
FRAME_NOUNS = frozenset("""方面 方式 情况 时候 时间 过程 期间 问题 地方 部分 内容 工作 东西 事情 原因 结果
    目标 作用 范围 程度 总数 总额 数量 数目 金额 资金 费用 年份 年代 名字 名称""".split())

# What a money figure may measure besides money given or spent: output, sales, income. A
# question about aid or cost is not answered by the annual output of a park it funded.
OUTCOME_WORDS = ("产值", "销售额", "销售收入", "营业收入", "营收", "收入", "利润", "利税", "税收", "交易额",
                 "成交额", "销售", "销量", "创收", "增收", "收益", "生产总值", "增加值", "效益", "营业额")
# Question verbs that ask what was sold or earned (卖了多少钱, 赚了多少).
ASKS_OUTCOME = r"卖|售|赚|挣"

# Titles and forms of address that stand next to a person's name in a report.
PERSON_TITLES = "书记|市长|县长|区长|省长|镇长|村长|主任|局长|厅长|部长|院长|校长|董事长|总经理|经理|主席|会长|队长|组长|专家|教授|医生|老师"
PERSON_ADDRESSES = "同志|先生|女士"

# What a count of people says they did: trained, sent, seconded, employed, treated. "How many
# cadres were seconded" is not answered by 培训干部950人次, which counts people trained.
PEOPLE_ACTIVITIES = {
    "train": "培训|培养|轮训|实训|跟岗学习",
    "send": "选派|派出|委派|派驻|选调|安排|输送|组织",
    "second": "挂职",
    "employ": "就业|务工|用工|岗位|转移",
    "treat": "诊疗|手术|义诊|救治",
    "visit": "考察|调研|参观|走访|来访|慰问",
    "relocate": "搬迁|迁移|告别故土",
}

# The same in Chinese, and what marks a year as the first of a period.
ASKS_START = r"开始|起|以来|始于|首次|第一次|从哪|何时开展"
PERIOD_START = r"^(?:以来|起|开始|至今|以后)"

# A question about what will happen, and what marks a sentence as stating a plan.
ASKS_FUTURE = r"明年|明天|后天|将来|未来|今后|下一年|下个月|下周|打算|会不会|将会"
STATES_PLAN = r"计划|将|预计|未来|今后|规划|目标|力争|打算|拟"

# The milestones a year marks (see qa.language.english.MILESTONES).
MILESTONES = {
    "start": r"开工|开建|动工|开始|启动|奠基",
    "finish": r"完工|竣工|建成|落成|通车|投产|投用|投入使用|开业|开通|完成|交付",
}

# The same in Chinese (qa.language.english.ASKS_NAME).
ASKS_NAME = r"叫什么|叫做|名叫|名称|名字|口号|称为|称作"

# A question about one unit or the average, and what marks a figure as per unit (亩均, 每户).
ASKS_PER_UNIT = r"每户|每人|每家|每亩|每个|人均|户均|亩均|平均"
STATES_PER_UNIT = r"每|人均|户均|亩均|年均|平均|均"

# A question about one occasion or year, and what marks a figure as a running total.
ASKS_SINGLE = r"单年|单次|最近一|最近的|当年|一年内"
STATES_RUNNING_TOTAL = r"累计|共计|总计|合计|先后|一共|总共"

# A question asking why, and what marks a sentence as stating a reason or purpose.
ASKS_REASON = r"为什么|为何|什么原因|原因是什么|为啥"
STATES_REASON = r"因为|由于|为了|旨在|以便|目的|原因|所以|因此|为此|从而"

# A question about one year's figure, and what marks a figure as per year (年产, 每年).
ASKS_PER_YEAR = r"每年|年均|一年多少|per year"
STATES_PER_YEAR = r"每年|年均|全年|年产|年出口|年销售|年收入|年接待|年增收|年创收|年营业"

# The same in Chinese, and what marks a figure as a part of a total.
ASKS_PART = r"\d+[个名所家人项批]?[\u4e00-\u9fff]{0,6}(?:中|里)(?:有)?(?:多少|几)"
STATES_PART = r"其中|中有|之中"
