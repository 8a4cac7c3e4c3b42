"""Names, the English bridge, question analysis and abstention, on the real derived data."""

from __future__ import annotations

import pytest

from qa.figures import english_reading, find_figures
from qa.retrieval.pipeline import Pipeline


@pytest.fixture(scope="module")
def analyzer(shared_engine):
    return Pipeline(shared_engine.store.load()).analyzer


def assert_says(engine, question: str, expected: str) -> None:
    """The engine answers the question, and its answer quotes the expected text."""
    answer = engine.ask(question)
    assert answer.answered and expected in answer.answer, answer.answer


@pytest.mark.parametrize(
    "question, expected",
    [
        ("how much did Qingdao give Yiling", ["青岛", "夷陵"]),
        ("how much did qingdoa give Yi Ling", ["青岛", "夷陵"]),
        ("Heilongjang aid to Yiling", ["黑龙江", "夷陵"]),
        ("Dalien support for Xing Shan", ["大连", "兴山"]),
        ("青島市給夷陵區援助了多少資金", ["青岛", "夷陵"]),
        ("Jiangsu sheng 在 Zigui 援建了什么", ["江苏", "秭归"]),
    ],
)
def test_names_are_found_however_they_are_spelt(analyzer, question, expected):
    assert analyzer.run(question).entities == expected


@pytest.mark.parametrize("word, chinese", [("hospital", "医院"), ("elevator", "电梯"),
                                           ("tourism", "旅游"), ("stadium", "体育馆"),
                                           ("hospitals", "医院"), ("trained", "培训")])
def test_english_words_reach_the_corpus_words(analyzer, word, chinese):
    assert chinese in analyzer.run(f"which {word} did Beijing build").terms


def test_common_words_do_not_pull_in_odd_senses(analyzer):
    terms = analyzer.run("how much did Qingdao give Yiling each year").terms
    assert "突出" not in terms and "春秋" not in terms


def test_places_the_corpus_never_mentions_are_flagged(analyzer):
    assert "guangxi" in analyzer.run("How much did Guangxi give Fuling?").unknown_names
    assert analyzer.run("广西给涪陵援助了多少资金").unknown_names
    assert analyzer.run("what is the capital of france").unknown_names == ["france"]
    assert not analyzer.run("how much did Qingdao give Yiling").unknown_names


def test_question_types_and_units(analyzer):
    assert analyzer.run("how much did Qingdao give Yiling").qtype == "amount"
    assert analyzer.run("how many schools did Shanghai build").qtype == "count"
    assert analyzer.run("in what year did Beijing sign the first agreement").qtype == "year"
    assert analyzer.run("which hospital did Beijing build").qtype == "name"
    assert analyzer.run("上海市援建了多少所学校").unit == "所"
    assert analyzer.run("How many tonnes of citrus were sold").unit == "吨"


def test_figures_and_english_readings():
    text = "累计实施援助项目289个,无偿援助资金10.87亿元,1992年起培训1.3万多人次。"
    assert [f.text for f in find_figures(text, "amount")] == ["10.87亿元"]
    assert [f.text for f in find_figures(text, "count")] == ["289个", "1.3万多人次"]
    assert [f.text for f in find_figures(text, "year")] == ["1992年"]
    assert english_reading("9788.1万元") == "about 97.9 million yuan"
    assert english_reading("1.3万多人次") == "more than 13,000 person-times"


@pytest.mark.parametrize(
    "question, figure, section",
    [
        ("how much did Qingdao give Yiling", "9788.1万元", "青岛"),
        ("How much money did Shanghai give to Yiling?", "7.623亿元", "上海"),
        ("How many aid projects has Beijing carried out in Badong?", "289个", "北京"),
        ("Heilongjang 一共向夷陵援助了多少资金和物资?", "2800万元", "黑龙江"),
    ],
)
def test_answers_quote_the_figure_of_the_right_donor(shared_engine, question, figure, section):
    answer = shared_engine.ask(question)
    assert answer.answered and figure in answer.answer
    assert section in answer.citations[0].passage.section


@pytest.mark.parametrize(
    "question",
    ["How much did Guangxi give Fuling?", "who won the 2018 World Cup", "how much did Qingdao give Zigui",
     "巴东县有多少人口?", "what is the capital of france"],
)
def test_unanswerable_questions_are_declined(shared_engine, question):
    answer = shared_engine.ask(question)
    assert not answer.answered and answer.reason and answer.citations


def test_english_answer_is_in_english_and_chinese_answer_in_chinese(shared_engine):
    english = shared_engine.ask("how much did Qingdao give Yiling")
    chinese = shared_engine.ask("青岛市给夷陵区援助了多少资金")
    assert english.lang == "en" and "the report says" in english.answer
    assert chinese.lang == "zh" and "the report" not in chinese.answer
    assert "[1]" in english.answer and len(english.answer) <= 400


def test_an_exact_name_wins_over_a_fuzzy_longer_one(analyzer):
    analysis = analyzer.run("What did Qingdao set up in Yiling?")
    assert analysis.entities == ["青岛", "夷陵"] and analysis.names[0].typed == "qingdao"


def test_administrative_levels_are_not_topic_words(analyzer):
    assert "县城" not in analyzer.run("Which county does Wuhan support?").terms


def test_what_is_counted_or_measured_is_found(analyzer):
    assert "社区" in analyzer.run("How many villages or communities got service centres?").counted_terms
    assert analyzer.run("烟台市派出了多少名挂职干部?").counted_terms  # any corpus word of 挂职干部
    assert analyzer.run("how much free aid did Qingdao give Yiling").counted_terms == []  # money
    assert "发电" in analyzer.run("How much electricity does the power station generate?").counted_terms


def test_a_money_figure_does_not_answer_how_much_of_something_else(shared_engine):
    answer = shared_engine.ask("How much electricity does the Three Gorges power station generate each year?")
    assert not answer.answered


def test_a_section_belongs_to_the_innermost_name_of_its_heading():
    from qa.retrieval.pipeline import _section_owner

    assert _section_owner("山东省青岛市") == "青岛市" and _section_owner(None) == ""


def test_which_place_questions_use_the_mention_next_to_the_topic():
    from qa.figures import near_terms, places_of_kind
    from qa.retrieval.gazetteer import Gazetteer

    gazetteer = Gazetteer({"entities": [{"name": "兴山", "forms": ["兴山", "兴山县"], "keys": ["xingshan"]}]})
    text = "自对口支援兴山以来,先后建成多个项目,推动兴山县域发展。"
    places = places_of_kind(text, "县", gazetteer, set())
    assert any(near_terms(text, place, {"支援": 1.0}) for place in places)


def test_a_quoted_name_answers_what_something_is_called(shared_engine):
    from qa.answer import _new_quoted_name

    assert _new_quoted_name("开通“静安·夷陵”号旅游专列。", "what is the train called")
    assert not _new_quoted_name("开通“静安·夷陵”号旅游专列。", "what did 静安·夷陵 do")
    analyzer = Pipeline(shared_engine.store.load()).analyzer
    assert analyzer.run("What is the programme for cadres called?").asks_designation
    assert analyzer.run("县城道路叫什么?").asks_designation
    assert not analyzer.run("Name the schools Qingdao supported").asks_designation


def test_a_short_lead_in_is_judged_with_the_sentence_it_introduces():
    from qa.answer import _answer_units

    units = _answer_units("开展“提智”工程。大连市建立常态培训机制,提升干部能力。累计培训干部950人次。")
    assert units == ("开展“提智”工程。大连市建立常态培训机制,提升干部能力。", "累计培训干部950人次。")


def test_which_questions_know_what_kind_of_thing_they_ask_for(analyzer):
    assert analyzer.run("Which hospital building did Beijing build in Badong?").counted_terms == ["医院"]
    assert "学校" in analyzer.run("上海市援建了哪所学校?").counted_terms


def test_a_passage_inherits_the_names_its_section_gives_elsewhere(shared_engine):
    pipeline = Pipeline(shared_engine.store.load())
    analysis = pipeline.analyzer.run("江苏给秭归援建的水厂叫什么?")
    sections = pipeline._sections_naming(analysis)
    assert "江苏省" in sections["秭归"]  # the Jiangsu section names Zigui in some passage


def test_counts_in_chinese_numerals_before_what_is_counted():
    from qa.figures import counts_in_words

    text = "百万移民是一项伟大的系统工程。东部五个区县与库区结对。"
    assert [f.text for f in counts_in_words(text, ["移民"])] == ["百万"]
    assert [f.text for f in counts_in_words(text, ["区县"])] == ["五个"]


def test_how_many_counts_the_plural_noun_not_the_verb_after_it(analyzer):
    analysis = analyzer.run("How many employees work at the industrial park?")
    assert not any(t in analysis.counted_terms for t in ("劳动", "工作"))


def test_a_counted_noun_is_found_by_its_head_character():
    from qa.figures import counts_noun

    assert counts_noun("先后有25个厅局、4个市和11个大型企业", "城市")
    assert not counts_noun("派出果树专家23名", "干部")


def test_the_figure_next_to_what_is_counted_answers(shared_engine):
    answer = shared_engine.ask("How many cadres has Dalian trained?")
    assert answer.answered and answer.answer.startswith("950人次")


def test_a_thing_the_report_mentions_without_the_asked_fact_is_declined(second_engine):
    # The report names the cold-chain centre and the remote medical centre but gives no cost
    # or opening year; other sentences about the same donor do state money and years.
    assert not second_engine.ask("烟台市援建的冷链物流中心投资了多少钱?").answered
    for question in ("How much did the cold-chain logistics centre that Yantai built in Shiqiaochuan cost?",
                     "When did Tianjin's remote medical centre in Chengchuan open?"):
        answer = second_engine.ask(question)
        assert not answer.answered, (question, answer.answer)
        assert "without stating" in answer.reason or "no cited sentence states" in answer.reason, answer.reason
    assert_says(second_engine, "How much did Tianjin invest in the remote medical centre in Chengchuan?", "4600万元")


def test_output_figures_do_not_answer_what_was_given_or_spent(second_engine):
    from qa.figures import Figure, measures_outcome

    text = "入驻企业62家,年产值突破15亿元,累计投入资金3亿元"
    output, given = (Figure(f, text.find(f), text.find(f) + len(f), "amount") for f in ("15亿元", "3亿元"))
    assert measures_outcome(text, output) and not measures_outcome(text, given)
    answer = second_engine.ask("How much did it cost to build the Shenzhen digital economy industrial park?")
    assert "15亿元" not in answer.answer


def test_besides_x_questions_answer_with_something_else(shared_engine, analyzer):
    assert "福利院" in analyzer.run("黑龍江省在三斗坪鎮除了福利院還援建了什麼?").excluded_terms
    assert_says(shared_engine, "黑龍江省在三斗坪鎮除了福利院還援建了什麼?", "移民就业中心")
    # A sentence listing the excluded thing next to one of the asked kind still answers.
    answer = shared_engine.ask("Apart from the new campus of Badong No.1 Middle School, "
                               "which hospital project did Beijing support?")
    assert "人民医院" in answer.answer


def test_a_running_total_answers_in_total_questions(shared_engine):
    answer = shared_engine.ask("how much cash has Qingdoa put into Yiling in total")
    assert answer.answered and answer.answer.startswith("9788.1万元")


def test_the_general_classifier_counts_things_but_not_people():
    from qa.figures import units_compatible

    assert units_compatible("家", "个") and units_compatible("所", "个")
    assert not units_compatible("名", "个") and not units_compatible("吨", "个")


def test_a_chinese_counted_phrase_must_be_named_in_full(shared_engine, analyzer):
    assert analyzer.run("大连市向兴山派出了多少名挂职干部?").counted_required == ["挂职", "干部"]
    assert not shared_engine.ask("大連市向興山派出了多少名掛職幹部?").answered  # 950 cadres were trained
    assert_says(shared_engine, "湖南有多少家大型企业结对支援兴山", "11个大型企业")


def test_a_quantity_named_by_a_noun_needs_a_figure(analyzer, shared_engine):
    analysis = analyzer.run("What is the installed generating capacity of the Three Gorges Dam?")
    assert analysis.qtype == "count" and "发电" in analysis.counted_terms
    assert not shared_engine.ask("What is the installed generating capacity of the Three Gorges Dam?").answered


def test_a_name_of_the_asked_kind_is_found_by_its_last_character(shared_engine):
    assert_says(shared_engine, "武汉市支援秭归修的县城道路叫什么?", "武汉路")


def test_dictionary_english_words_are_whole_words_and_variants_are_read(shared_engine, analyzer):
    from qa.retrieval.bridge import Dictionary

    dictionary = Dictionary.load(shared_engine.settings.cache_dir)
    assert "citrus" in " ".join(dictionary.definitions_or_variant("柑桔"))  # 桔: variant of 橘
    assert not analyzer.bridge.is_english("hangzhou")  # not the tail of "Changzhou"
    assert "hangzhou" in analyzer.run("how much did hangzhou invest in yiling").unknown_names
    assert analyzer.bridge.translate("put") == []  # a generic verb: 重点, 贯彻 would only add noise


def test_questions_typed_in_pinyin(analyzer, shared_engine):
    analysis = analyzer.run("Hunan sheng you jige tingju (provincial departments) paired up to help Xingshan?")
    assert analysis.qtype == "count" and not analysis.unknown_names and "厅局" in analysis.terms
    question = "Heilongjiang 2022 yihou gei Yiling dianshang zhibo de zhuanxiang zijin shi duoshao?"
    analysis = analyzer.run(question)
    assert analysis.qtype == "amount" and not analysis.unknown_names  # yihou, duoshao: common words
    assert shared_engine.ask(question).answer.startswith("150万元")
    assert "普安" in analyzer.run("What kind of tea plantation did Hunan set up in Pu'an?").terms  # Pu'an = puan
    assert "dalians" not in str(analyzer.run("What is Dalian's motto?").terms)  # a possessive stays apart


def test_a_rare_noun_of_a_chinese_figure_question_must_be_in_the_answer(shared_engine):
    answer = shared_engine.ask("江苏援建秭归县二水厂花了多少钱?")  # the water plant's cost is never given
    assert not answer.answered
    answer = shared_engine.ask("青岛在改善民生方面累计援建了多少个项目?")  # 方面 frames the question
    assert answer.answered and "74个" in answer.answer


def test_how_tall_needs_a_length(analyzer, shared_engine):
    assert analyzer.run("三峡大坝有多高?").unit == "米"
    assert analyzer.run("How tall is the Three Gorges Dam?").unit == "米"
    assert not shared_engine.ask("三峡大坝有多高?").answered


def test_the_quoted_passage_is_cited_first(shared_engine):
    for question in ("How much has Heilongjiang given Yiling in money and materials combined?",
                     "黑龍江省在三斗坪鎮除了福利院還援建了什麼?", "how much did Qingdao give Yiling"):
        answer = shared_engine.ask(question)
        assert answer.answered and answer.answer.endswith("[1]"), answer.answer
        assert [c.rank for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        quoted = answer.answer.split("“")[-1].split("”")[0] if "“" in answer.answer else answer.answer[:-4]
        assert quoted.strip().rstrip("…")[:20] in answer.citations[0].passage.text


def test_everyday_words_reach_the_report_through_the_glossary(analyzer, shared_engine):
    assert ("资金", 1.0) in analyzer.bridge.translate("money")
    assert "孩子" in dict(analyzer.bridge.translate("kids"))
    answer = shared_engine.ask("Since when has Heilongjiang been helping Yiling ship its mandarin oranges to Russia?")
    assert answer.answered and answer.answer.startswith("2011年")


def test_a_question_asking_for_several_prefers_a_list(shared_engine):
    answer = shared_engine.ask("which towns got rural nursing homes from heilongjang")
    assert "雾渡河" in answer.answer and "邓村" in answer.answer


def test_a_figure_limited_to_a_year_needs_that_year(analyzer, shared_engine):
    assert analyzer.run("2023年青岛市为夷陵区培训了多少人次?").period_years == ["2023"]
    assert analyzer.run("2022年以来黑龙江新增的专项资金是多少?").period_years == []  # since 2022
    assert analyzer.run("How much free aid did Shenzhen give in 2016 alone?").period_years == ["2016"]
    assert not shared_engine.ask("2023年青岛市为夷陵区培训了多少人次?").answered  # 1309 is the total


def test_a_person_or_quantity_the_reports_never_name_is_declined(shared_engine, second_engine):
    assert not shared_engine.ask("巴東縣的縣委書記是誰?").answered
    assert not shared_engine.ask("What is the normal storage water level of the Three Gorges reservoir?").answered
    assert not second_engine.ask("What was Baiping District's GDP last year?").answered
    assert_says(second_engine, "How many batches of medical expert teams has Yantai sent to Shiqiaochuan District?",
                "批")


def test_another_place_the_dictionary_knows_is_not_a_misspelling(analyzer):
    assert "wushan" in analyzer.run("How much counterpart support funding did Wushan County receive?").unknown_names
    assert analyzer.run("how many projects did hunan build in xinshan").entities == ["湖南", "兴山"]  # n/ng


def test_a_place_name_jieba_splits_is_rejoined(second_engine):
    from qa.retrieval.gazetteer import _joined_place_names

    assert _joined_place_names([("石桥", "ns"), ("川区", "ns"), ("建设", "vn")]) == [("石桥川区", "ns"), ("建设", "vn")]
    assert_says(second_engine, "Which donor city is paired with Shiqiaochuan District?", "烟台")


def test_output_questions_take_only_output_figures(shared_engine):
    # The report gives the park's funding (3700万元), never its output.
    assert not shared_engine.ask("How much does the Qingdao industrial park produce each year?").answered


def test_size_and_cost_questions_ask_for_the_right_figure(analyzer, second_engine):
    assert analyzer.run("How large is the Qingdao Industrial Park in Yiling, in hectares or mu?").unit in ("公顷", "亩")
    assert analyzer.run("How many hectares is the park, in hectares?").unit == "公顷"
    assert analyzer.run("How big is the Qingdao Industrial Park?").unit == "亩"
    assert analyzer.run("What did the Luhe Bridge in Hexi cost to build?").qtype == "amount"
    assert not second_engine.ask("What did the Luhe Bridge in Hexi cost to build?").answered


def test_question_words_and_counted_words_typed_in_pinyin(analyzer):
    assert analyzer.run("Qingdao gongyeyuan in Yiling opened in which nian?").qtype == "year"
    analysis = analyzer.run("Shanghai zai Yiling jian le duoshao xuexiao?")
    assert analysis.qtype == "count" and analysis.counted_known and "学校" in analysis.counted_terms
    analysis = analyzer.run("Heilongjiang gave Yiling how much zhuanxiang zijin?")
    assert analysis.qtype == "amount" and analysis.counted_known  # 专项资金, a corpus word in pinyin


def test_a_counting_unit_alone_is_what_is_counted(analyzer):
    assert analyzer.run("Yantai sent how many batches?").unit == "批"
    assert analyzer.run("Number of schools Shanghai built in Yiling?").counted_terms  # "number of" counts


def test_questions_about_nothing_the_reports_speak_of_are_declined(shared_engine, second_engine):
    for engine, question in ((shared_engine, "Zigui weather forecast for the weekend, please"),
                             (second_engine, "明天柏坪区天气怎么样?"),
                             (shared_engine, "Yichang reganmian zenme zuo, any recipe?")):
        assert not engine.ask(question).answered, question


def test_the_kind_of_a_named_thing_is_read_from_the_question(shared_engine, analyzer):
    analysis = analyzer.run("What is the name of the building Beijing funded at Badong No. 1 Middle School?")
    assert analysis.kind_heads == ["楼"] and "建设" not in analysis.terms  # a building, not "build"
    assert "一中" in analysis.terms and "中学" not in analysis.terms  # No. 1 Middle School is 一中
    assert_says(shared_engine, "Beijing paid for a building at Badong No. 1 Middle School. What's it called?", "北京楼")


def test_a_person_is_named_with_a_title(shared_engine):
    from qa.retrieval.tokenize import names_a_person

    assert names_a_person("时任市长张伟,出席仪式") and names_a_person("张伟同志带队")
    assert not names_a_person("开通“静安·夷陵”号旅游专列") and not names_a_person("派出果树专家23名")
    assert not shared_engine.ask("What is the name of the Qingdao official who led the cadres sent to Yiling?").answered


def test_money_for_a_list_of_projects_is_not_what_one_of_them_cost(shared_engine):
    assert not shared_engine.ask("How much did the Zigui Yangtze River highway bridge cost Wuhan?").answered
    assert_says(shared_engine, "Wuhan and Zigui worked together on eight economic projects. How much investment was that?", "17亿元")


def test_a_noun_is_named_with_a_character_inside_it():
    from qa.figures import counts_noun

    assert counts_noun("累计销售农特产品1.9亿元", "农产品")
    assert not counts_noun("累计销售农产1.9亿元", "农产品")


def test_a_thing_named_twice_in_a_sentence_is_found_at_either_mention(second_engine):
    # 猕猴桃 stands alone in 发展猕猴桃产业 and in 猕猴桃基地; the base's cost is never given.
    assert not second_engine.ask("How much money did Chengdu put into the kiwi fruit base in Baiping?").answered


def test_a_percentage_needs_a_percentage(analyzer, shared_engine):
    assert analyzer.run("By what percentage did Yiling's citrus exports grow?").unit == "%"
    assert not shared_engine.ask("By what percentage did Yiling's citrus exports grow?").answered


def test_one_unit_table_serves_figures_and_questions():
    from qa.units import ENGLISH_UNITS, GROUP_NOUNS, unit_of, units_compatible

    assert ENGLISH_UNITS["tonnes"] == "吨" and GROUP_NOUNS["batches"] == "批"
    assert unit_of("3.6万人次") == "人次" and unit_of("28所") == "所"
    assert units_compatible("名", "人次") and units_compatible("亩", "公顷") and not units_compatible("米", "亩")


def test_a_sentence_that_only_counts_the_kind_does_not_say_which(shared_engine):
    # 4个市 says how many Hunan cities, not which; 甘井子区、旅顺口区、金普新区 names the districts.
    assert not shared_engine.ask("Which four Hunan cities were paired with Xingshan?").answered
    assert_says(shared_engine, "Which Dalian districts were paired with towns in Xingshan?", "旅顺口区")


def test_terse_chat_questions(analyzer, shared_engine):
    answer = shared_engine.ask("beijing badong cadres how many sent")  # what is counted comes first
    assert answer.answered and "47名" in answer.answer
    assert analyzer.run("year hunan started helping xingshan").qtype == "year"
    assert analyzer.run("what yr was the jiangsu park set up").qtype == "year"
    assert analyzer.run("成都猕猴桃基地总投资多少").qtype == "amount"


def test_chinese_typed_in_an_english_question_must_be_named_by_the_answer(shared_engine):
    assert not shared_engine.ask("武汉路 in zigui cost how much").answered  # only the 8 projects' total
    assert_says(shared_engine, "Jiangsu brought which 新能源 company to Zigui?", "新能源")


def test_who_was_the_first_cadre_asks_for_a_person(analyzer):
    assert analyzer.run("who was the first Beijing cadre sent to Badong?").asks_person
    assert not analyzer.run("Who supports Zigui?").asks_person


def test_a_count_of_people_trained_does_not_answer_how_many_were_sent(shared_engine, second_engine):
    # Dalian's 950人次 are cadres trained; the report never counts those it seconded.
    assert not shared_engine.ask("how many officials has Dalian seconded to Xingshan").answered
    answer = second_engine.ask("hefei teachers sent to lanshui how many")  # 64 sent, not 1100 trained
    assert answer.answered and "64名" in answer.answer
    assert_says(shared_engine, "How many people has Beijing trained for Badong?", "1.3万多人次")


def test_the_first_year_of_a_period_answers_only_when_something_began(second_engine):
    # 2017年以来 is when Hefei's support began, not when the school it built opened.
    assert not second_engine.ask("What year did the Hefei Road Primary School in Lanshui open?").answered
    assert_says(second_engine, "Since when has Hefei been sending teachers to Lanshui?", "2017年")


def test_questions_about_the_future_or_reasons_need_a_plan_or_a_reason(shared_engine, second_engine):
    assert not shared_engine.ask("how much will heilongjiang give yiling next year?").answered
    assert not second_engine.ask("will it rain in ningbo tomorrow").answered
    assert not second_engine.ask("深圳为什么对柏坪区的援助最多?").answered
    assert_says(shared_engine, "how much did heilongjiang give yiling?", "2800万元")


def test_a_running_total_does_not_answer_one_occasion_or_one_unit(second_engine):
    assert not second_engine.ask("How much was sold at the most recent Lanshui fair alone?").answered
    assert not second_engine.ask("成都猕猴桃基地每户移民增收多少?").answered
    assert_says(second_engine, "How much did the Lanshui fairs in Ningbo sell in total?", "1.9亿元")
    assert_says(second_engine, "烟台帮石桥川区种苹果,亩均收益多少?", "1.1万元")


def test_a_number_the_question_gives_is_not_its_answer(second_engine, analyzer):
    assert not second_engine.ask("Of the 38 cadres Suzhou sent to Chengchuan, how many were women?").answered
    assert not second_engine.ask("How many of the 214 schools were built by Suzhou?").answered
    assert "学校" in analyzer.run("how many of the 28 schools did Shanghai build").counted_terms


def test_one_item_of_a_counted_list_is_not_counted_alone(second_engine):
    # 培训教师、医生等专业技术人才3400人次 counts them all, not the doctors.
    assert not second_engine.ask("how many doctors did ningbo train for lanshui county").answered
    assert_says(second_engine, "ningbo trained how many teachers, doctors and other professionals for lanshui?", "3400人次")


def test_people_counted_by_what_was_done_for_them(second_engine):
    answer = second_engine.ask("鲁石协作 medical teams treated how many patients?")
    assert answer.answered and "3.6万人次" in answer.answer
    assert not second_engine.ask("how many patients did suzhou treat in chengchuan").answered
    # 派出医疗专家团队14批 counts teams of experts, not experts
    assert "14批" not in second_engine.ask("How many medical experts did Yantai send to Shiqiaochuan?").answer


def test_a_year_marks_the_milestone_asked_about(second_engine):
    assert not second_engine.ask("澄江水利枢纽工程是哪一年完工的?").answered  # 2004年 work began
    assert_says(second_engine, "when did construction of the chengjiang dam begin", "2004")
    assert_says(second_engine, "when was the luhe bridge completed", "2012")


def test_a_thing_named_after_a_place_must_be_named_by_the_answer(second_engine):
    # 海沧希望小学 is a school; the year in the sentence before it is the bridge's.
    assert not second_engine.ask("海沧希望小学是哪一年建成的?").answered


def test_pinyin_the_corpus_spells_is_read_back_as_chinese(shared_engine, analyzer):
    assert "茶店子" in analyzer.run("How much did the Chadianzi water supply project cost?").terms
    assert not shared_engine.ask("How much did the Chadianzi water supply project in Badong cost?").answered


def test_terms_and_units_the_reports_never_use_are_declined(shared_engine, analyzer):
    assert analyzer.run("湖北三峡库区去年的GDP是多少?").unknown_names == ["gdp"]
    assert not analyzer.run("秭归县人民医院 became 二级甲等医院 in which year?").unknown_names
    assert not shared_engine.ask("三峡大坝 installed capacity 是多少万千瓦?").answered
    assert analyzer.run("上海援助夷陵多少万?").qtype == "amount"
    assert analyzer.run("湖北三峡库区有多少万移民?").qtype == "count"


def test_who_with_a_title_asks_for_a_person(analyzer):
    assert analyzer.run("湖北三峡中旻新能源有限公司 的董事长 is who?").asks_person
    assert analyzer.run("Who was the 北京市长 when the first agreement was signed?").asks_person
    assert analyzer.run("who runs the shenbai digital economy industrial park").asks_person


def test_occasions_and_sales(second_engine):
    assert_says(second_engine, "how many times has the lanshui goods fair been held in ningbo", "11届")
    assert_says(second_engine, "“岚水好物”展销会累计卖了多少钱的农特产品?", "1.9亿元")


def test_a_count_goes_with_the_list_item_that_names_what_is_counted(shared_engine):
    # …、13所社会福利院、6个集贸市场: 13所, not the 6个 next to it, nor the 6 of 56个.
    answer = shared_engine.ask("How many welfare homes did Shanghai build in Yiling?")
    assert answer.answered and "13所" in answer.answer
    assert shared_engine.ask("江蘇在秭歸援建了多少個重點社會公益項目?").answer.count("50多个")


def test_an_ordinal_is_not_a_count():
    from qa.figures import counts_in_words

    assert counts_in_words("援建澄川县第二中学", ["中学"]) == []
    assert [f.text for f in counts_in_words("五个区县", ["区县"])] == ["五个"]


def test_which_with_a_number_and_a_misspelt_plural_still_reads_the_kind(analyzer):
    assert "城市" in analyzer.run("which 4 hunan citys paired with xingshan").counted_terms


def test_a_count_of_something_else_beside_the_topic_does_not_answer(second_engine):
    # 入驻企业62家 counts enterprises in the park: it does not say how many workers it employs.
    assert not second_engine.ask("how many workers employed at the shenzhen-baiping digital park").answered
    assert_says(second_engine, "how many enterprises are in the shenzhen-baiping digital park", "62家")


def test_a_yearly_question_needs_a_yearly_figure(shared_engine, second_engine):
    # 10.87亿元 is thirty years of aid; 年产鲜果1.6万吨 is a year's harvest.
    assert not shared_engine.ask("How much free aid does Beijing give Badong each year?").answered
    assert_says(second_engine, "How much fresh kiwifruit does Chengdu's base in Baiping produce each year?", "1.6万吨")


def test_how_much_of_a_thing_is_answered_by_a_quantity(shared_engine):
    assert_says(shared_engine, "heilongjang: how much citrus does yiling export annually?", "300多吨")


def test_a_part_of_a_given_total_needs_a_part_singled_out(second_engine, analyzer):
    assert analyzer.run("Of the 47 cadres Beijing sent, how many were women?").asks_part
    assert not analyzer.run("total investment of the 8 projects wuhan did with zigui").asks_part
    assert not second_engine.ask("Of the 38 cadres Suzhou sent to Chengchuan, how many were women?").answered


def test_the_figure_that_fits_is_quoted_among_several_in_a_sentence(shared_engine):
    # 先后选派16批47名优秀干部到巴东挂职,为巴东培训各类干部人才累计1.3万多人次: the trained.
    assert_says(shared_engine, "How many ppl has Beijing trained for Badong altogether?", "1.3万多人次")
    assert_says(shared_engine, "Heilongjiang officials came to Yiling in 22 batches to inspect — how many person-times?", "200余人次")
