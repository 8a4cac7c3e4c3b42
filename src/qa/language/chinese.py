"""Chinese wording: the words and patterns the question analysis and the answer builder read
in Chinese questions and report text. Data only; the logic is in qa.retrieval and qa.answer.

Everything here is general language, for any corpus: no place, donor or figure of a report.
"""

from __future__ import annotations

# Question types, first match wins: (type, pattern).
QUESTION_TYPES = [
    ("year", r"哪一年|哪年|何时|什么时候|哪个年份|年份|几几年|始于|从哪"),
    ("amount", r"多少(钱|资金|万|亿|元)|资金|金额|多少经费|投入了多少|援助了多少(?![个所名人家批项次吨亩座条户])|捐了多少"
               r"|(?:投资|投入|花费|费用|成本|造价|花了)(?:是|有|为)?多少"),
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
}

# The same in Chinese, and what marks a year as the first of a period.
ASKS_START = r"开始|起|以来|始于|首次|第一次|从哪|何时开展"
PERIOD_START = r"^(?:以来|起|开始|至今|以后)"
