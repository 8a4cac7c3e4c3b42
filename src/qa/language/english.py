"""English wording: the words and patterns the question analysis reads in English questions
(and in Chinese question words typed in pinyin). Data only; the logic is in qa.retrieval.

Everything here is general language, for any corpus: no place, donor or figure of a report.
"""

from __future__ import annotations

# English words that carry the question's frame, not its topic: never translated.
ENGLISH_STOPWORDS = frozenset(
    """a an the of to in on at by for from with and or but not no is are was were be been being
    do does did done have has had how much many what which who whom whose when where why
    this that these those it its they them their there here as about into than then so
    can could would should will shall may might must i you he she we me my your our us
    give gave given get got make made total totally altogether overall please tell know
    year years amount number some any all each every other more most also only just very
    said say says according report reports one
    put puts bring brings brought take takes took taken set sets go goes went gone come comes came
    keep kept let lets big large small thing things way ways lot lots really actually up out
    kind kinds type types sort sorts cost costs price prices
    thx thanks pls plz u ur hi hello hey ok okay lol place places""".split()
)

# Irregular forms, for the cheap stemming of english_forms.
IRREGULAR = {"built": "build", "gave": "give", "given": "give", "spent": "spend", "sent": "send",
             "taught": "teach", "bought": "buy", "won": "win", "led": "lead", "held": "hold",
             "children": "child", "people": "person", "men": "man", "women": "woman"}

# Everyday words of aid and development reports that CC-CEDICT glosses only in other senses
# or not at all (money is 钱 there, never 资金; "resettled" and "kids" are missing). General
# language, no place and no figure; like CC-CEDICT, only the targets a corpus uses are kept.
GLOSSARY = {
    "money": "资金 经费 款项 钱", "cash": "资金 现金", "fund": "资金 经费 基金", "funds": "资金 经费 基金",
    "funding": "资金 经费", "donate": "捐赠 捐助 捐款 援助", "donation": "捐赠 捐助 捐款",
    "unpaid": "无偿", "resettle": "移民 安置 搬迁", "resettlement": "移民 安置 搬迁",
    "relocate": "移民 搬迁 安置", "relocation": "移民 搬迁 安置", "migrant": "移民", "relocatee": "移民",
    "tourist": "旅游 游客", "kid": "孩子 儿童 学生", "child": "孩子 儿童", "reservoir": "库区 水库",
    "dam": "大坝 水坝", "tea": "茶叶 茶园 白茶", "orchard": "果园", "citrus": "柑桔 柑橘",
    "orange": "柑桔 柑橘 脐橙", "mandarin orange": "柑桔 柑橘", "fitness": "健身", "official": "干部 官员",
    "cadre": "干部", "clinic": "卫生院 卫生室 诊所", "factory": "工厂 企业", "plant": "工厂 企业 种植",
    "staff": "人员 职工 员工", "job": "就业 岗位", "employment": "就业", "bridge": "大桥 桥梁",
    "road": "公路 道路", "water supply": "供水 饮水", "drinking water": "饮水 供水", "poverty": "贫困 扶贫",
    "nursing home": "福利院 敬老院 养老院", "welfare home": "福利院 敬老院", "elderly": "老年 老人",
    "nursery": "苗木 苗圃", "seedling": "苗木", "sapling": "苗木", "showroom": "展示馆 展厅",
    "exhibition hall": "展示馆 展厅", "parlour": "会客厅 客厅", "parlor": "会客厅 客厅",
    "bureau": "厅局 局", "department": "部门 厅局", "ministry": "部委",
    "park": "工业园 产业园 园区 公园", "industrial park": "工业园 工业园区 产业园", "base": "基地",
    "pair": "结对 结成", "twin": "结对 结成", "partner": "结对 合作", "kiwifruit": "猕猴桃", "kiwi": "猕猴桃",
}

# The character that names of a kind end with: 北京楼 is a building, 武汉路 a road, 朝天吼房车
# 露营地 a campground. For "what is the building called" and "which bridge". General Chinese,
# like the glossary above; CC-CEDICT glosses these kinds with words a report seldom uses (大楼).
NAME_HEADS = {
    "building": "楼", "tower": "楼 塔", "road": "路", "street": "路 街", "avenue": "路 街 道", "bridge": "桥",
    "park": "园", "garden": "园", "orchard": "园", "plantation": "园 场", "kindergarten": "园",
    "school": "校 中 学", "college": "院 校", "hospital": "院", "clinic": "院 所 室", "home": "院",
    "company": "司", "firm": "司", "enterprise": "司 业", "factory": "厂", "plant": "厂", "mill": "厂",
    "temple": "寺 庙", "museum": "馆", "hall": "馆 厅 堂", "library": "馆", "stadium": "馆 场", "gym": "馆",
    "station": "站", "market": "场", "square": "场", "plaza": "场", "farm": "场", "airport": "场",
    "campground": "地", "campsite": "地", "base": "地", "village": "村", "town": "镇", "community": "区",
    "estate": "区", "zone": "区", "centre": "心", "center": "心", "reservoir": "库", "port": "港",
    "hotel": "店 馆", "project": "程 目", "programme": "程 划", "program": "程 划",
}

# Words for an administrative level, in pinyin or English, that may follow a name.
ADMIN_WORDS = {"sheng", "shi", "xian", "qu", "zhen", "xiang", "cun", "province", "city", "county",
               "district", "town", "township", "village", "prefecture"}

# Nouns that name a quantity: "what is the capacity of X" asks for a figure, not a name.
QUANTITY_NOUNS = ("capacity", "population", "area", "size", "length", "height", "width", "depth",
                  "output", "volume", "scale", "weight", "distance", "acreage", "level", "rainfall",
                  "temperature", "elevation", "altitude", "gdp", "rate")
# "what is the (normal water) level", "what was Baiping's GDP"
QUANTITY_FRAME = r"what(?:'s| is| was| are| were)? (?:the |(?:[a-z-]+ )?[a-z-]+'s )?"

# Question types, first match wins: (type, pattern) over the lower-cased question.
QUESTION_TYPES = [
    ("name", r"^(?:who|whom)\b"),  # "who was mayor when…" asks for a person, not a year
    ("year", r"\b(when|what year|which year|since when|in what year|(?:which|what) (?:nian|yr))\b|^(?:year|date)\b"),
    ("amount", r"\b(how much|what amount|how large a sum)\b"),
    ("count", r"\bhow many\b|\bnumber of\b"),
    ("count", r"\bhow (?:tall|high|long|big|large|wide|deep|far|heavy|old)\b"),
    ("count", r"\bwhat (?:percentage|percent|proportion|share)\b|\bhow many percent\b"),
    ("amount", r"\bwhat(?:'s| is| was| are| were)? the (?:[a-z-]+ ){0,2}"
               r"(?:cost|price|budget|investment|value|income|revenue|profit|earnings)\b"
               r"|\bwhat did\b.*\bcost\b|\bhow expensive\b"),
    ("count", r"\b" + QUANTITY_FRAME + r"(?:[a-z-]+ ){0,3}(?:" + "|".join(QUANTITY_NOUNS) + r")\b"),
    ("name", r"\b(which|what|who|whom|name)\b"),
    # Chinese question words typed in pinyin ("Hunan you jige tingju", "zijin shi duoshao").
    ("year", r"\b(?:na ?yi ?nian|na ?nian|shenme shihou|he ?shi)\b"),
    ("amount", r"\b(?:duo ?shao ?(?:qian|zijin|yuan)|(?:qian|zijin|jine|jingfei)\b.*\bduo ?shao)\b"),
    ("count", r"\b(?:duo ?shao|ji ?(?:ge|ming|jia|suo|ci|ren))\b"),
    ("name", r"\b(?:na ?xie|na ?ge|na ?jia|na ?suo|shen ?me|shei|sha)\b"),
    ("count", r"\b(count|number)\b"),
    ("amount", r"\b(money|funds?|funding|yuan|rmb|invest\w*|spen[dt]|donat\w*|aid|grants?|costs?|price|budget)\b"),
]

# Head nouns of "how much X" that ask for money: any money figure may answer them.
MONEY_WORDS = {"money", "fund", "funds", "funding", "aid", "assistance", "support", "investment",
               "capital", "yuan", "rmb", "dollars", "donation", "donations", "subsidy", "subsidies",
               "grant", "grants", "cash", "budget", "spending", "financing", "cost", "costs", "value"}

# "Which towns", "what projects": a question asking for several things (a list answers best).
ASKS_SEVERAL = r"\b(?:which|what) (?:[a-z-]+ )?(?!(?:does|has|was|is|its)\b)(?!\w+ss\b)[a-z]+s\b|na ?xie"
# "In total": a running total answers best.
ASKS_TOTAL = r"\b(?:in total|total|totally|in all|altogether|all together|overall|combined|sum)\b"
# A money question about output, sales or income rather than money given.
ASKS_OUTCOME = (r"\b(output|revenues?|sales?|sold|sell|selling|income|profits?|turnover|"
                r"earn\w*|tax(es)?|gdp|proceeds|produces?|production|yields?)\b")

# "Which county": the administrative level asked for, as the Chinese suffix of its names.
PLACE_KINDS = {"province": "省", "city": "市", "county": "县", "district": "区", "town": "镇",
               "township": "乡", "village": "村"}

# Words for people by their role: "the name of the official who…" asks for a person's name,
# which no building or city answers.
PERSON_ROLES = {"official", "mayor", "leader", "secretary", "governor", "director", "chief", "chairman",
                "chairwoman", "president", "manager", "minister", "principal", "person", "man", "woman",
                "founder", "boss", "commander", "ceo", "mp", "deputy", "head", "cadre", "expert", "teacher",
                "doctor", "volunteer"}

# Numbers of numbered schools ("No. 1 Middle School" is 一中).
# Small numbers in words, with the Chinese numeral of each ("eight" is 8, 八).
NUMBER_WORDS = dict(zip("one two three four five six seven eight nine ten eleven twelve".split(),
                        "一 二 三 四 五 六 七 八 九 十 十一 十二".split()))
# The numbers of numbered schools, in digits and words.
NUMERALS = {form: zh for i, (word, zh) in enumerate(list(NUMBER_WORDS.items())[:8], start=1)
            for form in (str(i), word)}

# English words for the activities of qa.language.chinese.PEOPLE_ACTIVITIES.
PEOPLE_ACTIVITIES = {
    "train": "train trained training trains taught teach educated",
    "send": "send sent sending dispatch dispatched assign assigned deploy deployed post posted",
    "second": "second seconded secondment secondments temporary",
    "employ": "employ employed employment job jobs work worked working hire hired",
    "treat": "treat treated treatment patients surgery surgeries operations",
    "visit": "visit visited visiting visits inspect inspected inspection inspections tour toured",
    "relocate": "relocate relocated relocation resettle resettled resettlement displaced evacuated",
}

# Nouns for people that a report counts by what was done for them (诊疗群众3.6万人次 counts
# patients treated): "how many patients were treated" is answered by a count of people in a
# clause about that activity, though the report never says "patients".
PEOPLE_NOUNS = {"patients", "persons", "individuals", "residents", "locals", "villagers", "citizens",
                "beneficiaries", "trainees", "participants", "people"}

# A year question about when something began: "since when", "when did X start". Only these
# are answered by the first year of a period (2017年以来, 自2006年起).
ASKS_START = r"\b(since|start\w*|began|begin\w*|first|launch\w*|initiat\w*|commenc\w*|kick\w* off|from)\b"

# A question about what will happen: the reports tell what was done, so only a sentence that
# states a plan answers it ("how much will Qingdao give next year").
ASKS_FUTURE = (r"\b(?:will(?! you\b| u\b)|next (?:year|month|week|decade)|tomorrow|in the future|"
               r"upcoming|in (?:20[3-9]\d))\b")

# "Who runs the park": a verb whose subject is a person, as a role noun asks for one.
PERSON_VERBS = r"\bwho (?:runs|ran|manages|managed|heads|headed|leads|led|chairs|chaired|directs|directed|owns|owned|is in charge|was in charge|is responsible|was responsible)\b"

# Milestones a year marks, for "when was it completed" against 2004年…开工 (work began).
# "Built" is left out: it may mean either.
MILESTONES = {
    "start": r"\b(?:start\w*|began|begin\w*|launch\w*|commenc\w*|broke ground|groundbreaking)\b",
    "finish": (r"\b(?:complet\w*|finish\w*|opened|open to traffic|put into (?:use|operation|service)|"
               r"inaugurat\w*|went into operation)\b"),
}

# Words that ask for a designation: "what is it called", "the name of the park", its slogan.
# "Name the schools" asks which, not for a designation.
ASKS_NAME = r"\b(?:called|named|motto|slogan|titled?|brand|(?:the|its|their) names?)\b"

# A question about one unit (per household, 每户) or the average: only a sentence that
# states a figure per unit answers it (qa.language.chinese.STATES_PER_UNIT).
ASKS_PER_UNIT = (r"\b(?:per (?:household|family|person|capita|head|mu|student|village|hectare)|"
                 r"each (?:household|family|person|student|village)|on average|average)\b")

# A question about one occasion or year ("the most recent fair alone"): a running total
# (累计, 共计) does not answer it.
ASKS_SINGLE = r"\b(?:alone|a single|most recent|latest|in one year|in a single year|that year only)\b"

# A question asking why: only a sentence that states a reason or purpose answers it.
ASKS_REASON = r"^\s*why\b|\bwhy (?:did|does|do|was|were|is|are|has|have)\b|\bwhat (?:is|was) the reason\b|\bfor what reason\b"

# A question about one year's figure ("each year", "annually"): a running total does not
# answer it, only a figure stated per year (qa.language.chinese.STATES_PER_YEAR).
ASKS_PER_YEAR = r"\b(?:each year|every year|per year|a year|yearly|annual|annually|per annum)\b"

# Chat shorthand read as the word it stands for.
SHORTHAND = {"ppl": "people", "govt": "government", "yrs": "years"}

# A question about part of a total it gives ("of the 38 cadres, how many were women"): only
# a sentence that singles out a part (其中) answers it.
ASKS_PART = (r"^\s*(?:of|among|out of) (?:the |these |those |its |their )?[\d,]+\b"
             r"|\bhow many of (?:the |these |those )?[\d,]+\b"
             r"|\b(?:of|among|out of) (?:the |these |those |its |their )?[\d,]+ [^,?]*, how (?:many|much)\b")
