"""Threat categories and cooperation areas found by keyword lexicons, alongside the model's passes.

Naming a threat or a field of cooperation is a lexical act in these articles ("telecom fraud", "drug
trafficking", "extradition"), and a dictionary finds those words more reliably than a 1.5B model asked to
list them, which often answers an empty list or copies the vocabulary. Dictionary coding is also how CAMEO
and PLOVER coders work. Each hit is exact evidence (the matched words and their offsets); a threat found this
way is marked ``detected_by="lexicon"`` in the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from diplo_extract.core.schema import CooperationArea, ThreatCategory

E = TypeVar("E", bound=Enum)

_PATTERNS: dict[ThreatCategory, str] = {
    ThreatCategory.TERRORISM: r"terroris[mt]s?|terror financing|financing of terror\w*|terrorist organi[sz]ations?",
    ThreatCategory.EXTREMISM: r"extremis[mt]s?|radicali[sz]ation",
    ThreatCategory.SEPARATISM: r"separatis[mt]s?",
    ThreatCategory.DRUG_TRAFFICKING: (r"drug[- ]trafficking|drug traffick\w+|drug smuggling|drug trade|illicit drugs"
                                      r"|(?:trafficking|smuggling) (?:of|in) (?:\w+ and )?(?:illicit )?"
                                      r"(?:drugs|narcotics)"
                                      r"|narcotics?(?: trafficking| smuggling| trade)?|drug-related crimes?"),
    ThreatCategory.ARMS_TRAFFICKING: (r"arms (?:and \w+ )?(?:trafficking|smuggling)|weapons smuggling"
                                      r"|(?:trafficking|smuggling) (?:of|in) (?:arms|weapons)"
                                      r"|illegal (?:arms|weapons)(?: trade| trafficking)?|illicit (?:arms|weapons)"),
    ThreatCategory.HUMAN_TRAFFICKING: r"human trafficking|trafficking in (?:persons|human beings|people)",
    ThreatCategory.TRANSNATIONAL_CRIME: r"transnational (?:organi[sz]ed )?crimes?|cross-border crimes?",
    ThreatCategory.ORGANIZED_CRIME: (r"organi[sz]ed crimes?|criminal groups?|criminal organi[sz]ations?"
                                     r"|organi[sz]ed (?:criminal )?groups?"),
    ThreatCategory.ECONOMIC_CRIME: r"economic crimes?|financial crimes?",
    ThreatCategory.CORRUPTION: r"corruption|corrupt officials|anti-corruption|bribery",
    ThreatCategory.MONEY_LAUNDERING: r"money[- ]laundering|laundering of (?:money|proceeds)",
    ThreatCategory.CYBERCRIME: r"cyber[- ]?crimes?|cyber[- ]?attacks?|crimes? in cyberspace|cyber[- ]?fraud",
    ThreatCategory.TELECOM_FRAUD: r"telecom(?:munications?)? fraud|telephone fraud|phone scams?",
    ThreatCategory.GAMBLING: r"(?:cross-border |online |illegal )?gambling",
    # Smuggling migrants across a border is not trafficking in persons (the UN's two protocols, and the annotation
    # scheme): it is the illegal migration's trade.
    ThreatCategory.ILLEGAL_MIGRATION: (r"illegal (?:migration|immigration)|irregular migration|illegal migrants?"
                                       r"|people[- ]smuggl\w*|migrant[- ]smuggl\w*|smuggling of migrants"),
    ThreatCategory.PROPERTY_CRIME: r"property crimes?|theft|robber(?:y|ies)",
    ThreatCategory.EXTERNAL_INTERFERENCE: (r"interference in (?:the |their |its )?(?:internal|domestic) affairs"
                                           r"|external interference|foreign interference"),
    ThreatCategory.COLOR_REVOLUTION: r"colou?r revolutions?",
}

_AREA_PATTERNS: dict[CooperationArea, str] = {
    CooperationArea.LAW_ENFORCEMENT: r"law[- ]enforcement|police cooperation|policing",
    CooperationArea.COUNTER_TERRORISM: r"(?:counter|anti|fight\w*(?: against)?|combat\w*) ?-?terroris[mt]\w*",
    CooperationArea.INTELLIGENCE_SHARING: r"intelligence(?: sharing| exchange| cooperation)?",
    CooperationArea.ANTI_CORRUPTION: r"anti-corruption|(?:fight\w*|combat\w*) (?:against )?corruption",
    CooperationArea.EXTRADITION: r"extradit\w+|transfer of (?:sentenced|convicted) persons",
    CooperationArea.FUGITIVE_RECOVERY: r"fugitives?|wanted persons|flee\w* (?:overseas|abroad)|illicit gains",
    CooperationArea.BORDER_SECURITY: r"border (?:security|management|protection|control|areas|guards?|service)",
    CooperationArea.MIGRATION: r"migration",
    CooperationArea.EVENT_SECURITY: r"(?:security (?:for|of|at) )?major (?:international )?events",
    CooperationArea.PROJECT_SECURITY: r"belt and road|joint projects|security of (?:\w+ )?projects",
    CooperationArea.LEGAL_FRAMEWORK: r"legal (?:framework|basis)|treaty|memorandum of understanding",
    CooperationArea.TRAINING_EXCHANGE: r"training|exchange of experience|experience exchange|sharing experiences?",
    CooperationArea.INFORMATION_SHARING: r"information[- ]sharing|exchange of information|information exchange"
                                         r"|share information",
    CooperationArea.DRUG_CONTROL: r"drug control|counter-?narcotics|anti-drug",
    CooperationArea.CYBERSECURITY: r"cyber ?security|information security",
    CooperationArea.WATER_RESOURCES: r"water resources|transboundary water\w*",
    CooperationArea.CULTURE_EDUCATION: r"cultur(?:e|al) (?:and|&) education\w*|educational exchange",
}


def _compile(patterns: Mapping[E, str]) -> dict[E, re.Pattern[str]]:
    return {key: re.compile(rf"(?<![\w-])(?:{pattern})(?!\w)", re.IGNORECASE) for key, pattern in patterns.items()}


_THREATS = _compile(_PATTERNS)
_AREAS = _compile(_AREA_PATTERNS)

# ---------------------------------------------------------------------------------------------------
# The sources' own languages. Russian and Kazakh decline and suffix their nouns, so their entries are stems
# followed by \w*; Chinese has no word boundaries, so its entries match anywhere. "三股势力" / "three evil
# forces" names terrorism, separatism and extremism at once. Names of bodies are not threats discussed: the
# Regional Anti-Terrorist Structure (地区反恐怖机构, антитеррористическая структура, Терроризмге қарсы аймақтық
# құрылым) is excluded, as "the counter-terrorism centre" is in English.
# ---------------------------------------------------------------------------------------------------

_THREE_FORCES_ZH = "三股势力|三股勢力"
_RATS_KK = r"(?!\w*\s+қарсы\s+аймақтық\s+құрылым)"

_LANG_PATTERNS: dict[str, dict[ThreatCategory, str]] = {
    "zh": {
        ThreatCategory.TERRORISM: rf"恐怖主[义義]|恐怖活[动動]|恐怖[组組][织織]|恐怖[袭襲][击擊]|暴恐"
                                  rf"|(?<!地区)(?<!地區)反恐(?!怖?[机機][构構])"
                                  rf"|{_THREE_FORCES_ZH}",
        ThreatCategory.EXTREMISM: rf"极端主义|極端主義|极端势力|極端勢力|宗教极端|宗教極端|去极端化|去極端化"
                                  rf"|{_THREE_FORCES_ZH}",
        ThreatCategory.SEPARATISM: rf"分裂主[义義]|民族分裂|分裂势力|分裂勢力|{_THREE_FORCES_ZH}",
        ThreatCategory.DRUG_TRAFFICKING: r"毒品|禁毒|[贩販]毒|[制製]毒|[缉緝]毒",
        ThreatCategory.ARMS_TRAFFICKING: r"走私武器|武器走私|[枪槍]支[弹彈]药|[军軍]火走私|走私[枪槍]支",
        ThreatCategory.HUMAN_TRAFFICKING: r"拐[卖賣]|人口[贩販][运運卖賣]|[贩販][卖賣]人口",
        ThreatCategory.TRANSNATIONAL_CRIME: r"跨[国國]犯罪|跨境犯罪|跨[国國][有]?[组組][织織]犯罪",
        ThreatCategory.ORGANIZED_CRIME: r"有[组組][织織]犯罪|黑社[会會]|涉黑|犯罪集[团團]|犯罪[团團][伙夥]",
        ThreatCategory.ECONOMIC_CRIME: r"[经經]济犯罪|經濟犯罪|金融犯罪",
        ThreatCategory.CORRUPTION: r"腐[败敗]|反腐|[贪貪]腐|[贿賄][赂賂]",
        ThreatCategory.MONEY_LAUNDERING: r"洗[钱錢]",
        ThreatCategory.CYBERCRIME: r"[网網][络絡路]犯罪|[网網][络絡路]攻[击擊]|黑客攻[击擊]",
        ThreatCategory.TELECOM_FRAUD: r"[电電]信[网網][络絡路]?[诈詐][骗騙]|[电電][诈詐]|[网網][络絡路][诈詐][骗騙]",
        ThreatCategory.GAMBLING: r"[赌賭]博|[网網][赌賭]|[赌賭]场|賭場",
        ThreatCategory.ILLEGAL_MIGRATION: r"非法移民|偷渡|非法入境|非法出入境|非法越境|非法[移]?居留",
        ThreatCategory.PROPERTY_CRIME: r"[盗盜][窃竊]|[抢搶]劫",
        ThreatCategory.EXTERNAL_INTERFERENCE: r"外部干涉|干涉[内內]政|外[国國]干涉|外部势力|外部勢力",
        ThreatCategory.COLOR_REVOLUTION: r"[颜顏]色革命",
    },
    "ru": {
        ThreatCategory.TERRORISM: rf"террори\w*(?!\s+структур){_RATS_KK}",
        ThreatCategory.EXTREMISM: r"экстремиз\w*|экстремист\w*|радикализ\w*",
        ThreatCategory.SEPARATISM: r"сепаратиз\w*|сепаратист\w*",
        ThreatCategory.DRUG_TRAFFICKING: r"наркотрафик\w*|наркоторгов\w*|наркопреступ\w*|наркоугроз\w*|наркотик\w*"
                                         r"|наркотическ\w*|незаконн\w* оборот\w* наркот\w*|контрабанд\w* наркот\w*",
        ThreatCategory.ARMS_TRAFFICKING: r"незаконн\w* оборот\w* оружи\w*|контрабанд\w* оружи\w*|торговл\w* оружием",
        ThreatCategory.HUMAN_TRAFFICKING: r"торговл\w* люд\w*|трафикинг\w*|работорговл\w*",
        ThreatCategory.TRANSNATIONAL_CRIME: r"транснациональн\w* (?:организованн\w* )?преступн\w*"
                                            r"|трансграничн\w* преступн\w*",
        ThreatCategory.ORGANIZED_CRIME: r"организованн\w* преступн\w*|преступн\w* группиров\w*|преступн\w* сообществ\w*"
                                        r"|оргпреступн\w*",
        ThreatCategory.ECONOMIC_CRIME: r"экономическ\w* преступ\w*|финансов\w* преступ\w*",
        ThreatCategory.CORRUPTION: r"коррупц\w*|коррупцион\w*|взяточничеств\w*|взятк\w*",
        ThreatCategory.MONEY_LAUNDERING: r"отмывани\w*|легализаци\w* (?:преступн\w* )?доход\w*",
        ThreatCategory.CYBERCRIME: r"киберпреступ\w*|кибератак\w*|киберугроз\w*|киберкриминал\w*"
                                   r"|преступлени\w* в (?:сфере )?(?:информационн\w*|ИКТ|киберпространств\w*)",
        ThreatCategory.TELECOM_FRAUD: r"телефонн\w* мошенничеств\w*|кибермошенничеств\w*|дистанционн\w* мошенничеств\w*"
                                      r"|мошенничеств\w* с использованием (?:\w+ )?(?:связи|телефон\w*|интернет\w*)",
        ThreatCategory.GAMBLING: r"азартн\w* игр\w*|игорн\w* бизнес\w*|онлайн-казино|незаконн\w* игорн\w*",
        ThreatCategory.ILLEGAL_MIGRATION: r"(?:незаконн|нелегальн)\w* (?:миграц|мигрант)\w*|нелегал\w*"
                                          r"|незаконн\w* пересечени\w* (?:государственн\w* )?границ\w*",
        ThreatCategory.PROPERTY_CRIME: r"имущественн\w* преступлени\w*|преступлени\w* против собственност\w*|краж\w*"
                                       r"|грабеж\w*|грабёж\w*|хищени\w*",
        ThreatCategory.EXTERNAL_INTERFERENCE: r"вмешательств\w* во внутренн\w* дел\w*|внешн\w* вмешательств\w*"
                                              r"|иностранн\w* вмешательств\w*",
        ThreatCategory.COLOR_REVOLUTION: r"цветн\w* революц\w*",
    },
    "kk": {
        ThreatCategory.TERRORISM: rf"террор\w*{_RATS_KK}|лаңкес\w*{_RATS_KK}",
        ThreatCategory.EXTREMISM: r"экстремиз\w*|экстремист\w*|радикализ\w*",
        ThreatCategory.SEPARATISM: r"сепаратиз\w*|сепаратист\w*",
        ThreatCategory.DRUG_TRAFFICKING: r"есірткі\w*|нашақор\w*",
        ThreatCategory.ARMS_TRAFFICKING: r"қару-жарақ\w* контрабанда\w*|заңсыз қару\w*",
        ThreatCategory.HUMAN_TRAFFICKING: r"адам саудас\w*|адамдарды сату\w*|адам сату\w*",
        ThreatCategory.TRANSNATIONAL_CRIME: r"трансұлттық қылмыс\w*|трансшекаралық қылмыс\w*",
        ThreatCategory.ORGANIZED_CRIME: r"ұйымдасқан қылмыс\w*|қылмыстық топ\w*|қылмыстық қауымдаст\w*",
        ThreatCategory.ECONOMIC_CRIME: r"экономикалық қылмыс\w*|қаржылық қылмыс\w*",
        ThreatCategory.CORRUPTION: r"сыбайлас жемқорлық\w*|жемқорлық\w*|пара (?:алу|беру)\w*",
        ThreatCategory.MONEY_LAUNDERING: r"ақша\w* жылыстату\w*|кірістерді заңдастыру\w*",
        ThreatCategory.CYBERCRIME: r"киберқылмыс\w*|кибершабуыл\w*|киберқауіп\w*",
        ThreatCategory.TELECOM_FRAUD: r"телефон\w* алаяқ\w*|интернет[- ]алаяқ\w*|кибералаяқ\w*",
        ThreatCategory.GAMBLING: r"құмар ойын\w*|ойын бизнес\w*",
        ThreatCategory.ILLEGAL_MIGRATION: r"заңсыз көші-қон\w*|заңсыз мигра\w*|шекараны заңсыз кесіп өту\w*",
        ThreatCategory.PROPERTY_CRIME: r"ұрлық\w*|тонау\w*",
        ThreatCategory.EXTERNAL_INTERFERENCE: r"ішкі істеріне араласу\w*|сыртқы араласу\w*",
        ThreatCategory.COLOR_REVOLUTION: r"түрлі түсті революция\w*",
    },
    "vi": {
        ThreatCategory.TERRORISM: r"khủng bố",
        ThreatCategory.EXTREMISM: r"cực đoan",
        ThreatCategory.SEPARATISM: r"ly khai",
        ThreatCategory.DRUG_TRAFFICKING: r"ma t(?:úy|uý)",
        ThreatCategory.ARMS_TRAFFICKING: r"(?:buôn bán|mua bán) vũ khí|vũ khí trái phép",
        ThreatCategory.HUMAN_TRAFFICKING: r"(?:mua bán|buôn bán) (?:người|phụ nữ|trẻ em)|buôn người",
        ThreatCategory.TRANSNATIONAL_CRIME: r"xuyên quốc gia",
        ThreatCategory.ORGANIZED_CRIME: r"tội phạm có tổ chức",
        ThreatCategory.ECONOMIC_CRIME: r"tội phạm (?:về )?(?:kinh tế|tài chính)",
        ThreatCategory.CORRUPTION: r"tham nhũng|hối lộ",
        ThreatCategory.MONEY_LAUNDERING: r"rửa tiền",
        ThreatCategory.CYBERCRIME: r"tội phạm (?:sử dụng )?công nghệ cao|tội phạm mạng|tấn công mạng"
                                   r"|tội phạm (?:trên )?không gian mạng",
        ThreatCategory.TELECOM_FRAUD: r"lừa đảo (?:qua (?:điện thoại|mạng)|viễn thông|trực tuyến)",
        ThreatCategory.GAMBLING: r"cờ bạc|đánh bạc|cá độ",
        ThreatCategory.ILLEGAL_MIGRATION: r"(?:xuất,? )?nhập cảnh trái phép|xuất cảnh trái phép"
                                          r"|di cư (?:bất hợp pháp|trái phép)"
                                          r"|vượt biên trái phép",
        ThreatCategory.PROPERTY_CRIME: r"trộm cắp|cướp tài sản|cướp giật",
        ThreatCategory.EXTERNAL_INTERFERENCE: r"can thiệp (?:vào )?công việc nội bộ|can thiệp từ bên ngoài",
        ThreatCategory.COLOR_REVOLUTION: r"cách mạng màu",
    },
}

_LANG_AREA_PATTERNS: dict[str, dict[CooperationArea, str]] = {
    "zh": {
        CooperationArea.LAW_ENFORCEMENT: r"[执執]法|警[务務]合作|公安合作",
        CooperationArea.COUNTER_TERRORISM: r"(?<!地区)(?<!地區)反恐(?!怖?[机機][构構])|打[击擊]恐怖"
                                           r"|打[击擊]“?三股[势勢]力",
        CooperationArea.INTELLIGENCE_SHARING: r"情[报報](?:交流|合作|共享)",
        CooperationArea.ANTI_CORRUPTION: r"反腐",
        CooperationArea.EXTRADITION: r"引渡|遣返|移管被判刑人",
        CooperationArea.FUGITIVE_RECOVERY: r"追逃|逃犯|追[赃贓]|天[网網]行[动動]",
        CooperationArea.BORDER_SECURITY: r"[边邊]境管理|[边邊]境安全|[边邊]防|[边邊]境地区|邊境地區|[边邊]境[稳穩]定",
        CooperationArea.MIGRATION: r"移民管理|出入境管理",
        CooperationArea.EVENT_SECURITY: r"(?:重大|大型)(?:国际)?活[动動]安保",
        CooperationArea.PROJECT_SECURITY: r"(?:重大)?[项項]目安全|一[带帶]一路",
        CooperationArea.LEGAL_FRAMEWORK: r"法律基[础礎]|法律框架|公[约約]|[条條][约約]|司法[协協]助",
        CooperationArea.TRAINING_EXCHANGE: r"培[训訓]",
        CooperationArea.INFORMATION_SHARING: r"信息(?:交流|共享)|情[报報]信息",
        CooperationArea.DRUG_CONTROL: r"禁毒|[缉緝]毒",
        CooperationArea.CYBERSECURITY: r"[网網][络絡路]安全|信息安全",
        CooperationArea.WATER_RESOURCES: r"水[资資]源|跨境河流",
        CooperationArea.CULTURE_EDUCATION: r"人文交流|教育交流",
    },
    "ru": {
        CooperationArea.LAW_ENFORCEMENT: r"правоохранительн\w*|полицейск\w*|правопорядк\w*|силов\w* структур\w*"
                                         r"|(?:борьб|борот|противодействи)\w* (?:с )?преступност\w*",
        CooperationArea.COUNTER_TERRORISM: r"антитеррористическ\w*(?!\s+структур)|контртеррорист\w*"
                                           r"|(?:противодействи|борьб)\w* (?:с )?терроризм\w*",
        CooperationArea.INTELLIGENCE_SHARING: r"разведывательн\w*|обмен\w* разведданн\w*",
        CooperationArea.ANTI_CORRUPTION: r"антикоррупц\w*|(?:противодействи|борьб|борот)\w* (?:с )?коррупц\w*",
        CooperationArea.EXTRADITION: r"экстрадиц\w*|выдач\w* (?:лиц|преступник\w*)|передач\w* осужденн\w*",
        CooperationArea.FUGITIVE_RECOVERY: r"розыск\w*|беглец\w*|скрывающ\w* от (?:правосуди|следстви)\w*",
        CooperationArea.BORDER_SECURITY: r"пограничн\w*|охран\w* границ\w*|безопасност\w* границ\w*",
        CooperationArea.MIGRATION: r"миграц\w*",
        CooperationArea.EVENT_SECURITY: (r"безопасност\w* (?:проведения )?(?:крупн|массов)\w* "
                                         r"(?:международн\w* )?мероприяти\w*"),
        CooperationArea.PROJECT_SECURITY: r"совместн\w* проект\w*|«?Один пояс,? один путь»?",
        CooperationArea.LEGAL_FRAMEWORK: r"договорно-правов\w*|правов\w* баз\w*|меморандум\w*|соглашени\w*",
        CooperationArea.TRAINING_EXCHANGE: r"подготовк\w* кадр\w*|обучени\w*|обмен\w* опыт\w*|стажировк\w*"
                                           r"|ознаком\w* с работ\w*",
        CooperationArea.INFORMATION_SHARING: r"обмен\w* информаци\w*|информационн\w* обмен\w*",
        CooperationArea.DRUG_CONTROL: r"антинаркотическ\w*"
                                      r"|(?:противодействи|борьб)\w* (?:с )?(?:незаконн\w* оборот\w* )?наркот\w*",
        CooperationArea.CYBERSECURITY: r"кибербезопасност\w*|информационн\w* безопасност\w*",
        CooperationArea.WATER_RESOURCES: r"водн\w* ресурс\w*",
        CooperationArea.CULTURE_EDUCATION: r"гуманитарн\w* сотрудничеств\w*",
    },
    "kk": {
        CooperationArea.LAW_ENFORCEMENT: r"құқық қорғау\w*",
        CooperationArea.COUNTER_TERRORISM: r"(?:терроризм|лаңкестік)\w* қарсы(?!\s+аймақтық\s+құрылым)"
                                           r"|терроризммен күрес\w*",
        CooperationArea.INTELLIGENCE_SHARING: r"барлау\w*",
        CooperationArea.ANTI_CORRUPTION: r"(?:сыбайлас )?жемқорлыққа қарсы\w*",
        CooperationArea.EXTRADITION: r"экстрадиция\w*|қылмыскерлерді беру\w*|ұстап беру\w*|сотталғандарды беру\w*",
        CooperationArea.FUGITIVE_RECOVERY: r"қашқын\w*|іздеуде жүрген\w*|іздестірілген\w*",
        CooperationArea.BORDER_SECURITY: r"шекара\w*",
        CooperationArea.MIGRATION: r"көші-қон\w*",
        CooperationArea.LEGAL_FRAMEWORK: r"құқықтық (?:көмек|негіз|база)\w*|мемлекетаралық келісім\w*"
                                         r"|халықаралық шарт\w*|меморандум\w*",
        CooperationArea.TRAINING_EXCHANGE: r"тәжірибе алмас\w*|кадрлар\w* даярла\w*|оқыту\w*",
        CooperationArea.INFORMATION_SHARING: r"ақпарат алмас\w*",
        CooperationArea.DRUG_CONTROL: r"есірткі\w* қарсы\w*",
        CooperationArea.CYBERSECURITY: r"киберқауіпсіздік\w*|ақпараттық қауіпсіздік\w*",
        CooperationArea.WATER_RESOURCES: r"су ресурс\w*",
    },
    "vi": {
        CooperationArea.LAW_ENFORCEMENT: r"thực thi pháp luật|bảo đảm an ninh,? trật tự|hợp tác cảnh sát",
        CooperationArea.COUNTER_TERRORISM: r"(?:phòng,? )?chống (?:tội phạm )?khủng bố",
        CooperationArea.INTELLIGENCE_SHARING: r"tình báo",
        CooperationArea.ANTI_CORRUPTION: r"(?:phòng,? )?chống tham nhũng",
        CooperationArea.EXTRADITION: r"dẫn độ|chuyển giao người (?:bị kết án|đang chấp hành án)",
        CooperationArea.FUGITIVE_RECOVERY: r"truy nã|truy bắt|bỏ trốn",
        CooperationArea.BORDER_SECURITY: r"biên giới|biên phòng",
        CooperationArea.MIGRATION: r"di cư",
        CooperationArea.LEGAL_FRAMEWORK: r"hiệp định|bản ghi nhớ|khuôn khổ pháp lý|cơ sở pháp lý|tương trợ tư pháp",
        CooperationArea.TRAINING_EXCHANGE: r"đào tạo|trao đổi kinh nghiệm|bồi dưỡng|nâng cao năng lực",
        CooperationArea.INFORMATION_SHARING: r"(?:trao đổi|chia sẻ) thông tin",
        CooperationArea.DRUG_CONTROL: r"(?:phòng,? )?chống (?:tội phạm )?ma t(?:úy|uý)",
        CooperationArea.CYBERSECURITY: r"an ninh mạng|an toàn thông tin",
        CooperationArea.WATER_RESOURCES: r"tài nguyên nước",
    },
}

#: Languages with their own lexicon tables (ISO 639-1).
LANGUAGES: frozenset[str] = frozenset(_LANG_PATTERNS)


def _compile_language(language: str, patterns: Mapping[E, str]) -> dict[E, re.Pattern[str]]:
    if language == "zh":
        return {key: re.compile(pattern) for key, pattern in patterns.items()}
    # Russian and Kazakh stems carry their own \w* endings; Vietnamese words end where a word ends.
    tail = r"(?!\w)" if language == "vi" else ""
    return {key: re.compile(rf"(?<![\w-])(?:{pattern}){tail}", re.IGNORECASE) for key, pattern in patterns.items()}


_LANG_THREATS = {language: _compile_language(language, table) for language, table in _LANG_PATTERNS.items()}
_LANG_AREAS = {language: _compile_language(language, table) for language, table in _LANG_AREA_PATTERNS.items()}


@dataclass(frozen=True)
class Hit(Generic[E]):
    """One lexicon match: the category and where its words stand in the text."""

    category: E
    start: int
    end: int


def _find(text: str, tables: list[Mapping[E, re.Pattern[str]]]) -> list[Hit[E]]:
    hits = {Hit(key, match.start(), match.end()) for compiled in tables for key, pattern in compiled.items()
            for match in pattern.finditer(text)}
    return sorted(hits, key=lambda hit: (hit.start, hit.end, str(hit.category.value)))


def _tables(english: Mapping[E, re.Pattern[str]], by_language: Mapping[str, Mapping[E, re.Pattern[str]]],
            language: str | None) -> list[Mapping[E, re.Pattern[str]]]:
    if language is None:
        # No language given: every table. Their words never occur in another language's text.
        return [english, *by_language.values()]
    own = by_language.get(language)
    return [english] if own is None else [english, own]


def find_threats(text: str, language: str | None = None) -> list[Hit[ThreatCategory]]:
    """Every threat-lexicon match in ``text``, in order of position.

    ``language`` (ISO 639-1, as :func:`~diplo_extract.text.language.detect_language` gives it) adds that
    language's table to the English one; None runs every table (zh, ru, kk, vi). ``text[hit.start:hit.end]``
    is always the matched words.
    """
    return _find(text, _tables(_THREATS, _LANG_THREATS, language))


def find_cooperation_areas(text: str, language: str | None = None) -> list[Hit[CooperationArea]]:
    """Every cooperation-area lexicon match in ``text``, in order of position; ``language`` as for threats."""
    return _find(text, _tables(_AREAS, _LANG_AREAS, language))


# Words that report an interaction between officials having taken place or being arranged: a sentence
# without any is never the one that reports a meeting ("Zhao said the two sides should ..."). Stems, so
# Russian and Kazakh case endings and English verb forms all match.
_INTERACTION_WORDS = re.compile(
    r"\b(?:met|meet|meets|meeting|talks|talked|held|holds|received|receives|reception|hosted|hosts|"
    r"visit\w*|phone\w*|telephone\w*|spoke|conversation\w*|video\w*|conferenc\w*|summit\w*|"
    r"session\w*|forum\w*|dialogue\w*|consultation\w*|signed|signs|signing|attended|attends|chaired|"
    r"co-chaired|joint statement|communiqu\w*)\b"
    r"|встреч|встрет|переговор|принял|принимал|визит|посет|телефон|разговор|видеоконференц|совещани|заседани|"
    r"саммит|подписа|обсуди|провел|провёл|консультаци|форум"
    r"|会见|会谈|会晤|通电话|电话|视频|出席|访问|举行|签署|主持|会议|会面|磋商|接见|座谈|峰会"
    r"|gặp|hội đàm|tiếp|điện đàm|thăm|hội nghị|ký|trực tuyến|hội kiến|làm việc|trao đổi|thảo luận"
    r"|кездес|келіссөз|қабылда|телефон|сапар|отырыс|жиын|бейнеконференц|қол қой|талқыла|саммит",
    re.IGNORECASE)


# "Called on" is a courtesy visit ("X called on the Prime Minister") unless someone is called on to do
# something ("called on the ministries to sign agreements").
_CALLED_ON = re.compile(r"\bcall(?:ed|s|ing)? on\b(?![^.;]*\bto [a-z])|\bcourtesy (?:call|visit)", re.IGNORECASE)


def reports_interaction(sentence: str) -> bool:
    """Whether a sentence has a word that reports a meeting, call, visit or signing, in any supported language."""
    return bool(_INTERACTION_WORDS.search(sentence) or _CALLED_ON.search(sentence))
