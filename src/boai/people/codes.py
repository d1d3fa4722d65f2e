"""Code tables from the national standards the registry uses.

- Gender: GB/T 2261.1-2003 (0 unknown, 1 male, 2 female, 9 not stated).
- Ethnicity: GB/T 3304-1991, the 56 recognised ethnic groups (01–56) plus 97 and 98.
- ID document types: the documents a person in mainland China identifies with.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    UNKNOWN = "0", _("Unknown")
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    UNSTATED = "9", _("Not stated")


class IdType(models.TextChoices):
    RESIDENT = "resident", _("Resident identity card")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    PASSPORT = "passport", _("Passport")
    FOREIGN_PR = "foreign_pr", _("Foreign permanent resident ID card")
    OTHER = "other", _("Other")


# Chinese names as people write them in spreadsheets, for imports (labels are translated separately).
ID_TYPE_ALIASES: dict[str, str] = {
    "居民身份证": IdType.RESIDENT, "身份证": IdType.RESIDENT, "二代身份证": IdType.RESIDENT,
    "中华人民共和国居民身份证": IdType.RESIDENT, "ID card": IdType.RESIDENT,
    "港澳台居民居住证": IdType.HMT_RESIDENCE, "居住证": IdType.HMT_RESIDENCE,
    "港澳居民来往内地通行证": IdType.HK_MACAO_PERMIT, "回乡证": IdType.HK_MACAO_PERMIT,
    "港澳通行证": IdType.HK_MACAO_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT, "台胞证": IdType.TAIWAN_PERMIT,
    "护照": IdType.PASSPORT,
    "外国人永久居留身份证": IdType.FOREIGN_PR, "外国人永久居留证": IdType.FOREIGN_PR, "永居证": IdType.FOREIGN_PR,
    "其他": IdType.OTHER, "其它": IdType.OTHER,
}

GENDER_ALIASES: dict[str, str] = {
    "男": Gender.MALE, "男性": Gender.MALE, "M": Gender.MALE, "MALE": Gender.MALE,
    "女": Gender.FEMALE, "女性": Gender.FEMALE, "F": Gender.FEMALE, "FEMALE": Gender.FEMALE,
    "未知": Gender.UNKNOWN, "未知的性别": Gender.UNKNOWN, "UNKNOWN": Gender.UNKNOWN,
    "未说明": Gender.UNSTATED, "未说明的性别": Gender.UNSTATED, "NOT STATED": Gender.UNSTATED,
}

# GB/T 3304-1991: code, Chinese name, romanised name (as in the standard)
ETHNICITY_TABLE: tuple[tuple[str, str, str], ...] = (
    ("01", "汉族", "Han"), ("02", "蒙古族", "Mongol"), ("03", "回族", "Hui"), ("04", "藏族", "Zang"),
    ("05", "维吾尔族", "Uygur"), ("06", "苗族", "Miao"), ("07", "彝族", "Yi"), ("08", "壮族", "Zhuang"),
    ("09", "布依族", "Buyei"), ("10", "朝鲜族", "Chosen"), ("11", "满族", "Man"), ("12", "侗族", "Dong"),
    ("13", "瑶族", "Yao"), ("14", "白族", "Bai"), ("15", "土家族", "Tujia"), ("16", "哈尼族", "Hani"),
    ("17", "哈萨克族", "Kazak"), ("18", "傣族", "Dai"), ("19", "黎族", "Li"), ("20", "傈僳族", "Lisu"),
    ("21", "佤族", "Va"), ("22", "畲族", "She"), ("23", "高山族", "Gaoshan"), ("24", "拉祜族", "Lahu"),
    ("25", "水族", "Sui"), ("26", "东乡族", "Dongxiang"), ("27", "纳西族", "Naxi"), ("28", "景颇族", "Jingpo"),
    ("29", "柯尔克孜族", "Kirgiz"), ("30", "土族", "Tu"), ("31", "达斡尔族", "Daur"), ("32", "仫佬族", "Mulao"),
    ("33", "羌族", "Qiang"), ("34", "布朗族", "Blang"), ("35", "撒拉族", "Salar"), ("36", "毛南族", "Maonan"),
    ("37", "仡佬族", "Gelao"), ("38", "锡伯族", "Xibe"), ("39", "阿昌族", "Achang"), ("40", "普米族", "Pumi"),
    ("41", "塔吉克族", "Tajik"), ("42", "怒族", "Nu"), ("43", "乌孜别克族", "Uzbek"), ("44", "俄罗斯族", "Russ"),
    ("45", "鄂温克族", "Ewenki"), ("46", "德昂族", "Deang"), ("47", "保安族", "Bonan"), ("48", "裕固族", "Yugur"),
    ("49", "京族", "Gin"), ("50", "塔塔尔族", "Tatar"), ("51", "独龙族", "Derung"), ("52", "鄂伦春族", "Oroqen"),
    ("53", "赫哲族", "Hezhen"), ("54", "门巴族", "Monba"), ("55", "珞巴族", "Lhoba"), ("56", "基诺族", "Jino"),
    ("97", "其他未识别民族", "Unrecognised ethnic group"), ("98", "外国血统中国籍人士", "Chinese of foreign origin"),
)



def _bilingual(chinese: str, english: str) -> str:
    """The standard's own Chinese name in Chinese, its romanisation otherwise (no catalogue entries needed;
    with translations deactivated, as in makemigrations, the romanisation, like an untranslated msgid)."""
    language = translation.get_language()
    return chinese if language and language.startswith("zh") else english


bilingual = lazy(_bilingual, str)
ETHNICITY_CHOICES = [(code, bilingual(chinese, english)) for code, chinese, english in ETHNICITY_TABLE]
ETHNICITY_ALIASES: dict[str, str] = {}
for _code, _zh, _en in ETHNICITY_TABLE:
    ETHNICITY_ALIASES[_zh] = _code
    ETHNICITY_ALIASES[_zh.removesuffix("族")] = _code
    ETHNICITY_ALIASES[_en.upper()] = _code
    ETHNICITY_ALIASES[_code] = _code
    ETHNICITY_ALIASES[str(int(_code))] = _code
ETHNICITY_ALIASES["其他"] = "97"  # the standard's short label
