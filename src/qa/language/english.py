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
    thx thanks pls plz u ur hi hello hey ok okay lol place places
    under during within through throughout across among via over""".split()
)

# Irregular forms, for the cheap stemming of english_forms.
IRREGULAR = {"built": "build", "gave": "give", "given": "give", "spent": "spend", "sent": "send",
             "taught": "teach", "bought": "buy", "won": "win", "led": "lead", "held": "hold",
             "children": "child", "people": "person", "men": "man", "women": "woman"}

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

# Month and weekday names: dates, never a place the reports fail to mention.
CALENDAR_WORDS = frozenset("""january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday""".split())

# Words that, right after a place name, belong to it ("the Three Gorges area").
REGION_WORDS = frozenset({"area", "areas", "region", "regions", "zone", "zones"})

# Nouns that name a quantity: "what was the GDP" asks for a figure, not a name.
QUANTITY_NOUNS = ("capacity", "population", "area", "size", "length", "height", "width", "depth",
                  "output", "volume", "scale", "weight", "distance", "acreage", "level", "rainfall",
                  "temperature", "elevation", "altitude", "gdp", "grp", "revenue", "revenues", "income",
                  "spending", "expenditure", "budget", "deficit", "investment", "reserves", "production",
                  "harvest", "exports", "imports", "trade", "value", "total", "amount", "figure", "number",
                  "jobs", "employment", "surplus", "debt", "bonds", "quota", "cpi", "inflation")

# What a question asks for, first match wins: (kind, pattern) over the lower-cased question.
# Kinds: see qa.retrieval.query.
_GROWTH_VERBS = r"(?:grow|grew|grown|rise|rose|risen|increase|increased|fall|fell|fallen|drop|dropped|decline|declined|go up|go down|went up|went down|expand|expanded|shrink|shrank|climb|climbed)"
QUESTION_KINDS = [
    ("reason", r"^why\b|\bwhy (?:did|does|do|was|is|were|are|has|have)\b|\bwhat (?:was|is|were|are) the reasons?\b|\bfor what reason\b"),
    ("person", r"^(?:who|whom)\b|\bwho (?:is|was|were|are|delivered|gave|presented|made)\b"
               r"|\b(?:which|what) (?:official|person|leader|premier|minister|chairman)\b"),
    # "when" as the question word: among the first words or last ("how much did it invest when it set up" is no date question)
    ("when", r"^(?:[\w'’-]+\W+){0,2}?when\b|\bwhen\W*$|\b(?:what year|which year|in what year|since when|what date|which date|what month|which month)\b"
             r"|^(?:year|date)\b"),
    ("rate", rf"\bhow (?:fast|quickly)\b|\bby how much\b|\bhow much (?:did|does|do|will|would|has|had|was|is|were)\b[^?]*\b{_GROWTH_VERBS}\b"
             r"|\bwhat (?:percentage|percent|proportion|share|ratio)\b|\bhow many (?:percent|percentage points|points)\b"
             r"|\b(?:rate|ratio|percentage|percent|share|proportion|growth|inflation|cpi|ppi)\b"),
    ("count", r"\bhow many\b|\bnumber of\b"),
    ("amount", r"\bhow much\b|\bhow (?:large|big|high)\b"),
    ("number", r"\bwhat(?:'s| is| was| are| were| will be)?(?:\s+[\w'’-]+){0,4}?\s+(?:" + "|".join(QUANTITY_NOUNS)
               + r")\b(?!\s+(?:policy|policies|measures?))"),
    # No question word, a quantity noun at the end: "1979 grain output?", "2011 fiscal revenue"
    ("number", r"^(?!.*\b(?:what|which|who|whom|when|where|how|why)\b).*\b(?:" + "|".join(QUANTITY_NOUNS)
               + r")\W*$"),
    ("what", r"\bwhat (?:did|does|do|will|would|should|measures|steps|policy|policies|actions?|reforms?|was done|were the)\b"
             r"|\bhow (?:did|does|do|will|would|should|to)\b|\b(?:propose|proposed|decide|decided|announce|announced|pledge|pledged|promise|promised)\b"),
    ("name", r"\b(?:which|what|name)\b"),
    # Chinese question words typed in pinyin ("jiuye mubiao shi duoshao").
    ("when", r"\b(?:na ?yi ?nian|na ?nian|shenme shihou|he ?shi)\b"),
    ("number", r"\b(?:duo ?shao|ji ?(?:ge|ming|jia|suo|ci|ren))\b"),
    ("name", r"\b(?:na ?xie|na ?ge|shen ?me|shei|sha)\b"),
    ("number", r"\b(?:count|figure|level)\b"),
    ("amount", r"\b(?:money|funds?|funding|yuan|rmb|invest\w*|spen[dt]|donat\w*|aid|grants?|costs?|price|budget)\b"),
]

# A question about money: answered by a sum of money only.
ASKS_MONEY = (r"\b(?:money|funds?|funding|funded|yuan|rmb|dollars?|invest\w*|spen[dt]|spending|cost|costs|costed|price"
              r"|budget\w*|donat\w*|grants?|revenues?|income|expenditures?|deficit|subsid\w*|paid|pay)\b")
# What a count question counts: the words after "how many", up to a verb or a preposition.
COUNTED_AFTER = (r"\bhow many ((?:[a-z'’-]+ ){0,3}?[a-z'’-]+)(?= (?:did|does|do|were|was|has|have|had|are|is|will|would|can|could"
                 r"|in|of|for|to|from|at|on|with|that|were|been|by|under|through|across|has)\b|\s*[?,.]|\s*$)")

# A question about when something began ("since when", "in what year did it start").
ASKS_START = r"\bsince\b|\bfrom (?:which|what) (?:year|date|month|time)\b|\bstart(?:ed|s|ing)?\b|\bbeg[ia]n\b|\bbegun\b|\bfirst\b|\bcommenced?\b|\blaunch(?:ed)?\b"
# A question about one year's figure, not a running total.
ASKS_YEARLY = r"\b(?:each|every|per|a) year\b|\bannual(?:ly)?\b|\byearly\b|\bper annum\b"
# Words after "how many" that end what is counted ("how many kids took part"): verbs.
COUNTED_STOP = frozenset("""took take get got went go came come found find have had were been made make gave give
    received receive visited visit attended attend joined join participated live lived work worked took part
    benefit benefits benefited benefitted""".split())

# A question about a target the report sets, and one about what was achieved.
ASKS_TARGET = (r"\b(?:targets?|goals?|aims?|aimed|objectives?|planned|plan(?:s|ned)? (?:to|for)|projected|expected|set (?:to|for|at)"
               r"|intended|envisaged|budgeted|earmarked|was to|is to|aiming|quota)\b|\bwill\b")
ASKS_OUTCOME = (r"\b(?:actual|actually|outcomes?|achieved|reached|realized|realised|recorded|hit|came to|came in|ended up|turned out|"
                r"grew|rose|fell|dropped|declined|increased|amounted|totalled|totaled|created|added|lifted)\b")

# Chat shorthand read as the word it stands for.
SHORTHAND = {"ppl": "people", "govt": "government", "gov": "government", "yrs": "years", "yr": "year",
             "gdp's": "gdp", "pct": "percent", "bn": "billion", "mln": "million", "tn": "trillion"}

# Question words, for reading a misspelt one ("wich bridge") as the word meant.
QUESTION_WORDS = ("which", "what", "when", "where", "who", "whom", "whose", "how", "many", "much")

# Small numbers in words, with the Chinese numeral of each ("eight" is 8, 八).
NUMBER_WORDS = dict(zip("one two three four five six seven eight nine ten eleven twelve".split(),
                        "一 二 三 四 五 六 七 八 九 十 十一 十二".split()))

# A question that asks for a change ("how much did output increase", "by how much").
ASKS_CHANGE = rf"\b{_GROWTH_VERBS}\b|\bby how much\b|\bmore than\b|\bless than\b|\badded\b|\bnew\b"

# English words of a question's frame that still translate (target, growth, rate): they help
# search find the passage but are not its subject.
FRAME_WORDS = frozenset("""target targets goal goals aim aims objective objectives plan planned projected
    government work set setting fast quickly end real terms
    expected growth grow grew rate rates ratio percentage percent share increase rise rose fall fell decline
    figure level report actual outcome outcomes achieved reached created added recorded realized realised amounted
    totalled totaled""".split())

# A chat message that continues the last question ("and Shanghai?", "what about 2019?"): the
# words that open it. Read by qa.conversation.
FOLLOW_UP_OPENER = r"^(?:and|also|then|so|ok(?:ay)?|now)?\s*(?:what|how) about\b|^(?:and|also|same for|now|then|or)\b|^in\b"
# Words a follow-up may hold besides its new place or year ("and in 2019?", "for Zigui then").
FOLLOW_UP_FILLER = frozenset("""and also then so ok okay now what how about same for or in the of at by to
    year report please instead""".split())
