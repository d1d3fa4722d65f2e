"""Fill the people catalogue's Chinese translations (run after makemessages; then compilemessages)."""

import pathlib
import sys

import polib

ZH = {
    "People": "人员",
    "Person registry": "人员信息库",
    "Register a person": "登记人员",
    "Unknown": "未知的性别",
    "Male": "男",
    "Female": "女",
    "Not stated": "未说明的性别",
    "Resident identity card": "居民身份证",
    "Residence permit for Hong Kong, Macao and Taiwan residents": "港澳台居民居住证",
    "Mainland travel permit for Hong Kong and Macao residents": "港澳居民来往内地通行证",
    "Mainland travel permit for Taiwan residents": "台湾居民来往大陆通行证",
    "Passport": "护照",
    "Foreign permanent resident ID card": "外国人永久居留身份证",
    "Other": "其他",
    "Organisation": "所属组织",
    "Gender": "性别",
    "ID type": "证件类型",
    "Full-width digits, spaces, hyphens and a lower-case x are accepted. Gender and birth date are taken from "
    "a resident ID number.": "可以输入全角数字、空格、连字符和小写 x。性别和出生日期从居民身份证号码中自动取得。",
    "Name": "姓名",
    "ID number": "证件号码",
    "— from the ID number —": "— 按证件号码 —",
    "Birth date": "出生日期",
    "Mobile number": "手机号码",
    "Address": "地址",
    "Ethnicity": "民族",
    "Remove the mobile number": "删除手机号码",
    "Remove the address": "删除地址",
    "Leave blank to keep %(masked)s.": "留空则保留 %(masked)s。",
    "Leave blank to keep the stored address.": "留空则保留已登记的地址。",
    "Reason": "理由",
    "Why you need the full value (for example the case or request it serves). It is kept in the audit log with "
    "your name.": "说明为何需要查看完整信息（例如所办理的事项或申请）。理由将与您的姓名一起记入审计日志。",
    "Give a reason of at least %(limit_value)d characters.": "请填写至少 %(limit_value)d 个字的理由。",
    "The birth date in this number (%(date)s) does not exist.": "号码中的出生日期（%(date)s）不存在。",
    "The birth date in this number (%(date)s) is in the future.": "号码中的出生日期（%(date)s）晚于今天。",
    "The birth date in this number (%(date)s) is before 1900.": "号码中的出生日期（%(date)s）早于 1900 年。",
    "Only digits and a final X are allowed in this number.": "该号码只能包含数字，最后一位可以是 X。",
    "This is an old 15-digit ID number; enter the 18-digit number of the current card.":
        "这是旧的 15 位身份证号码，请填写现行身份证上的 18 位号码。",
    "This number must have 18 characters; it has %(n)d.": "该号码应为 18 位，现为 %(n)d 位。",
    "Only the last character may be X.": "只有最后一位可以是 X。",
    "The check digit does not match: a digit is probably mistyped.": "校验码不符：可能有数字输错了。",
    "This is a residence permit number for Hong Kong, Macao or Taiwan residents: choose that ID type.":
        "这是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”。",
    "The region code %(code)s was not a county-level division in %(year)s (GB/T 2260).":
        "地址码 %(code)s 在 %(year)s 年不是有效的县级行政区划代码（GB/T 2260）。",
    "A residence permit number for Hong Kong, Macao or Taiwan residents starts with 810000, 820000 or 830000.":
        "港澳台居民居住证号码以 810000、820000 或 830000 开头。",
    "A mainland travel permit for Hong Kong and Macao residents is H or M followed by 8 or 10 digits.":
        "港澳居民来往内地通行证号码为 H 或 M 加 8 位或 10 位数字。",
    "A mainland travel permit for Taiwan residents has 8 digits (card) or 10 digits (old booklet).":
        "台湾居民来往大陆通行证号码为 8 位数字（卡式）或 10 位数字（旧本式）。",
    "A passport number has 5 to 17 letters and digits, at least one a digit.":
        "护照号码为 5 到 17 位字母和数字，且至少含一位数字。",
    "A foreign permanent resident ID number is 3 letters and 12 digits, or 18 characters starting with 9.":
        "外国人永久居留身份证号码为 3 位字母加 12 位数字，或以 9 开头的 18 位号码。",
    "Enter the document number (2 to 40 characters).": "请填写证件号码（2 到 40 个字符）。",
    "Unknown ID type.": "未知的证件类型。",
    "Enter the ID number.": "请填写证件号码。",
    "The ID number says %(gender)s.": "证件号码显示性别为“%(gender)s”。",
    "The ID number says %(date)s.": "证件号码显示出生日期为 %(date)s。",
    "A mobile number may contain only digits (and a +86 prefix).": "手机号码只能包含数字（可带 +86 前缀）。",
    "A mainland mobile number has 11 digits; this one has %(n)d.": "内地手机号码应为 11 位，现为 %(n)d 位。",
    "A mainland mobile number starts with 13 to 19.": "内地手机号码以 13 到 19 开头。",
    "organisation": "所属组织",
    "name": "姓名",
    "ID number blind index": "证件号码盲索引",
    "gender": "性别",
    "birth date": "出生日期",
    "mobile number": "手机号码",
    "mobile blind index": "手机号码盲索引",
    "address": "地址",
    "ethnicity": "民族",
    "created": "登记时间",
    "updated": "更新时间",
    "person": "人员",
    "people": "人员",
    "Enter the name.": "请填写姓名。",
    "A name has at most %(n)d characters.": "姓名最多 %(n)d 个字。",
    "A name cannot contain digits: is this the ID number column?": "姓名中不能有数字：是否填到了证件号码？",
    "An address has at most %(n)d characters.": "地址最多 %(n)d 个字。",
    "The birth date cannot be in the future.": "出生日期不能晚于今天。",
    "The birth date cannot be before 1900.": "出生日期不能早于 1900 年。",
    "Unknown gender code.": "未知的性别代码。",
    "Unknown ethnicity code (GB/T 3304).": "未知的民族代码（GB/T 3304）。",
    "This ID number is already registered: %(masked)s, %(name)s, %(org)s.":
        "该证件号码已登记：%(masked)s，%(name)s，%(org)s。",
    "This ID number is already registered in another organisation.": "该证件号码已在其他组织登记。",
    "Same ID number as row %(row)d.": "与第 %(row)d 行的证件号码相同。",
    "This organisation is outside your scope.": "该组织不在您的管理范围内。",
    "This ID number was registered a moment ago by someone else.": "该证件号码刚刚已被他人登记。",
    "(encrypted)": "（已加密）",
    "(encrypted, changed)": "（已加密，已修改）",
    "This field cannot be revealed.": "该项不能查看明文。",
    "Give a reason of at least %(n)d characters.": "请填写至少 %(n)d 个字的理由。",
    "Some of these ID numbers are already registered.": "其中有证件号码已被登记。",
    "%(n)d people": "%(n)d 人",
    "This is a masked number (from an export): enter the full number.":
        "这是脱敏号码（来自导出文件），请填写完整号码。",
    "Leave empty for a resident identity card.": "留空表示居民身份证。",
    "Format the column as text: Excel turns 18-digit numbers into 3.2E+17 and loses digits.":
        "请将本列设置为文本格式：Excel 会把 18 位号码变成 3.2E+17 并丢失数字。",
    "Taken from a resident ID number when empty; must agree with it when given.":
        "留空时从居民身份证号码中取得；填写时须与号码一致。",
    "A mainland mobile number (11 digits).": "内地手机号码（11 位）。",
    "The code or full name of a unit in your scope; empty means your own unit.":
        "您管理范围内单位的代码或全称；留空表示您所在的单位。",
    "Give the organisation (its code or full name).": "请填写所属组织（代码或全称）。",
    "Several units are called “%(name)s”: use the unit's code.": "有多个单位名为“%(name)s”，请填写单位代码。",
    "No unit “%(org)s” in your scope: use the code or the full name of one of your units.":
        "您的管理范围内没有“%(org)s”，请填写您所管单位的代码或全称。",
    "%(label)s of %(name)s": "%(name)s 的%(label)s",
    "Close": "关闭",
    "This reveal has been recorded in the audit log with your reason.": "本次查看已连同理由记入审计日志。",
    "Cancel": "取消",
    "Reveal": "查看明文",
    "Edit": "编辑",
    "Registered": "登记时间",
    "Updated": "更新时间",
    "ID numbers, mobile numbers and addresses are stored encrypted and shown masked. Revealing one asks for a "
    "reason and is recorded in the audit log with your name.":
        "证件号码、手机号码和地址加密存储、脱敏显示。查看明文需填写理由，并与您的姓名一起记入审计日志。",
    "Loading…": "加载中…",
    "People per branch": "各分会人员数",
    "No one is registered yet.": "尚未登记人员。",
    "Name (from its beginning), or a full ID number or mobile number": "姓名（从首字起），或完整的证件号码、手机号码",
    "No one is registered here yet.": "这里还没有登记人员。",
    "Organisation code": "组织代码",
    "(stored encrypted)": "（加密存储）",
    "The person is registered.": "人员已登记。",
    "Edit person": "编辑人员",
    "%(name)s (directly)": "%(name)s（直属）",
}
PLURALS = {"%(n)s person": ["%(n)s 人"]}
CONTEXT = {("person", "Name"): "姓名", ("person", "name"): "姓名"}


def main(path: str) -> int:
    po = polib.pofile(path)
    missing = []
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(PLURALS.get(entry.msgid, [])))
            ok = entry.msgid in PLURALS
        elif entry.msgctxt:
            entry.msgstr = CONTEXT.get((entry.msgctxt, entry.msgid), "")
            ok = bool(entry.msgstr)
        else:
            entry.msgstr = ZH.get(entry.msgid, "")
            ok = bool(entry.msgstr)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if not ok:
            missing.append(entry.msgid)
    po.metadata_is_fuzzy = False
    po.header = "Simplified Chinese translation of Boai's person registry (boai.people)."
    po.metadata.update({"Project-Id-Version": "boai", "PO-Revision-Date": po.metadata.get("POT-Creation-Date", ""),
                        "Last-Translator": "Boai maintainers", "Language-Team": "Simplified Chinese"})
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.save(path)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(pathlib.Path(__file__).parent /
                                                               "zh_Hans/LC_MESSAGES/django.po")))
