"""Chinese wording: the patterns the question analysis and the answer model read in Chinese
questions and report text. Data only; the logic is in qa.retrieval.query and qa.answering.

Everything here is general language of reports, for any corpus: no place or figure of a report.
"""

from __future__ import annotations

# What a question asks for, first match wins: (kind, pattern). Kinds: see qa.retrieval.query.
_MEASURED = "个|项|家|所|座|条|批|名|人次|人|次|户|种|类|辆|台|套|吨|斤|公斤|公里|千米|米|亩|公顷|千瓦|届|期|批次|处|支|位"
QUESTION_KINDS = [
    ("reason", r"为什么|为何|什么原因|原因是|理由是|出于什么"),
    ("person", r"是谁|谁|哪位|什么人|何人"),
    ("when", r"哪一年|哪年|何时|什么时候|哪个年份|几几年|何年|哪一天|哪天|几月|什么时间|什么日期|年份是"),
    ("rate", r"增速|增幅|涨幅|降幅|增长率|比重|比例|百分之几|百分比|百分点|占.{0,12}(?:多少|几)"
             r"|(?:增长|增加|提高|上涨|上升|下降|降低|减少|回落|率|比)了?(?:是|为|有|达到?|约)?(?:多少|几|怎样|如何)"
             r"|(?:增长|增速|率|涨幅)的?(?:预期)?(?:目标|预期|要求|计划)"),
    ("amount", r"多少(?:钱|元|亿|万亿|万元|美元|资金|经费|投资|投入|援助资金)|资金(?:是|为|有)?多少|金额|总额|规模(?:是|为|有)?多少|总值(?:是|为|有)?多少"),
    ("count", rf"(?:多少|几)(?:万|亿)?(?:{_MEASURED})"),
    ("number", r"多少|几"),
    # No question word, a quantity noun at the end: 2012年城镇新增就业人数, 粮食总产量
    ("count", r"(?:人数|总数|数量|个数|户数|人次)[？?。]?$"),
    ("number", r"(?:总量|总额|产量|规模|数额|总值|产值|收入|支出|面积|里程)[？?。]?$"),
    ("what", r"做了什么|干了什么|采取了?(?:什么|哪些)|(?:什么|哪些)(?:措施|政策|举措|办法|任务|改革|工作)|怎么|如何|怎样"
             r"|提出了?(?:什么|哪些)|有哪些|是什么"),
    ("name", r"哪|什么|名称|叫"),
]

# A question about money (多少钱, 投资了多少): answered by a sum of money only.
ASKS_MONEY = r"钱|资金|经费|投资|投入|花费|花了|成本|造价|金额|款|预算|收入|支出|赤字|财政|税"
# How a report gives a reason.
STATES_REASON = r"因为|由于|为了|原因|因此|所以|旨在|目的是|以便|从而|导致|造成"
# What a count question counts: the noun after 多少 and a measure word (多少家大型企业).
COUNTED_AFTER = rf"(?:多少|几)(?:万|亿|千|百)?(?:{_MEASURED})?([\u4e00-\u9fff]{{2,10}})"

# A question about one year's figure (每年, 年均) and a sentence giving a running total instead.
ASKS_YEARLY = r"每年|年均|平均每年|一年|每一年|年度|全年"
STATES_YEARLY = r"每年|年均|平均每年|全年|当年|年产|年增长|年销售|一年"
STATES_CUMULATIVE = r"累计|共计|总计|合计|以来|先后|至今|截至|历年"

# A question about a target the report sets, and one about what was achieved.
ASKS_TARGET = r"目标|预期|计划|力争|打算|拟|安排|要求|规划|(?<![需只主重摘还])要(?![素点])"
ASKS_OUTCOME = r"实现了|达到了|完成了|实际|增长了|下降了|提高了"
# How a report states a target: 预期目标, 力争, 控制在, 拟安排 ...
# A deadline (到2020年; not 到2012年底 or 增加到2002年的), 要 as a modal (要提高到; not 主要/重要/需要/只要/摘要/要素).
STATES_TARGET = r"(?<![加高长少低升降大])(?:到|至)(?:[12]\d{3}|[一二][〇零一二三四五六七八九]{3})年(?![底末的])|目标|预期|力争|确保|控制在|拟|计划|(?<![主重需只摘])要(?!素)|将|争取|左右|以上|以内|安排|规划|预计|期间"
# A target met or missed is an outcome: 就业超过预期目标, 完成全年目标, 略低于8％的预定目标.
MEETS_TARGET = r"(?:超过|超出|超额完成|完成|实现|达到|好于|高于|低于|快于|慢于)了?(?:全年|年度)?(?:的)?(?:预期|预定|既定|计划)?目标|(?:好于|高于|低于|超出|超过)预期"
# How a report states an outcome: 实现, 达到, 完成, 比上年增长 ...
STATES_OUTCOME = r"实现|达到|完成|比上年|比去年|同比|增长了|下降了|累计|突破|超过|创|首次|已经|全年|过去一年|去年|回顾"

# Words that frame a question rather than name its subject: never subject terms.
FRAME_WORDS = frozenset("""方面 总量 总额 数量 规模 人数 总数 数额 数目 多少 百分之几 百分之多少 几成 几倍 多少倍 上年 比上年 同比 什么 哪些 哪个 哪里 哪年 哪一年 怎么 怎样 如何 为什么 是否 有没有 一共 总共
    是 有 为 的 了 吗 呢 报告 政府工作报告 工作报告 提出 提到 说 讲 指出 年份 时候 时间 数字 数据 情况
    目标 预期 预期目标 计划 要求 安排 规划 实现 达到 完成 实际 今年 去年 明年 当年 全年 政府 国务院""".split())

# Titles and forms of address that stand next to a person's name in a report.
PERSON_TITLES = ("书记|市长|县长|区长|省长|镇长|村长|主任|局长|厅长|部长|院长|校长|董事长|总经理|经理|主席|会长|队长"
                 "|组长|专家|教授|医生|老师|总理|副总理|委员长|总书记|同志")
PERSON_ADDRESSES = "同志|先生|女士"

# A figure that is a change (比上年增加2737万吨), and a question that asks for one.
STATES_CHANGE_BEFORE = r"(?:增加|增长|减少|下降|增产|减产|提高|降低|上涨|上升|回落|增幅|涨幅|降幅|增速|多|少)了?(?:为|是|达到|约|近|超过|在)?$"
# Right after a year, words that make it the start of a period (2017年以来, 自2005年起): it
# answers when something began, not when it happened.
STARTS_PERIOD_AFTER = r"年?(?:以来|起|开始|至今)"
ASKS_START = r"开始|起始|从哪|起于|以来|何时起|哪年起|哪一年起"
ASKS_CHANGE = r"增加了|增长了|减少了|下降了|增产|减产|多了|少了|增加多少|增长多少|减少多少|提高了|降低了"


# A chat message that continues the last question (那上海呢, 2019年呢, 换成秭归): the words that
# open or close it, and what it may hold besides its new place or year. Read by qa.conversation.
FOLLOW_UP_OPENER = r"^(?:那么?|还有|再看|换成|改成|如果是)|呢[？?。!！]*$"
FOLLOW_UP_FILLER = r"那么?|还有|再看|换成|改成|如果是|呢|的|年|报告|里|中|是|吗|怎么样|如何"
# Administrative levels, by the suffix of a place's full name: a follow-up's new place stands
# in for the last question's place of the same level (上海市 for 青岛市, 秭归县 for 夷陵区).
ADMIN_LEVELS = {"省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "地区": 2, "县": 3, "区": 3, "旗": 3,
                "自治县": 3, "镇": 4, "乡": 4, "街道": 4, "村": 5}
