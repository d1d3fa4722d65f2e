"""The flat CSV for the national volunteer service system (全国志愿服务信息系统).

UTF-8 with a byte-order mark (so Excel and WPS open it as UTF-8), one row per certified service
record, fixed Chinese headers in a fixed order (see docs/volunteers.md). Full ID numbers are in it
because the national system matches volunteers by them: the export needs its own permission
(`volunteers.national_export`) and is audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils import timezone, translation

from boai.core.tabular.export import safe_cell
from boai.volunteers.models import ServiceRecord

NATIONAL_HEADERS = (
    "志愿者姓名", "证件类型", "证件号码", "性别", "服务开始时间", "服务结束时间", "服务时长（小时）", "服务日期",
    "活动名称", "服务类别", "服务地点", "组织单位", "组织单位代码", "记录编号", "认证时间", "更正的记录编号",
)


def national_queryset(queryset):
    return (queryset.filter(status=ServiceRecord.Status.CERTIFIED)
            .select_related("volunteer__person", "activity", "org").order_by("service_date", "id"))


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def national_row(r: ServiceRecord) -> list:
    person, activity = r.volunteer.person, r.activity
    return [person.name, person.get_id_type_display(), person.id_number, person.get_gender_display(),
            _time(r.check_in_at), _time(r.check_out_at), f"{r.hours:.2f}", r.service_date.isoformat(),
            activity.title if activity else r.note, activity.get_activity_type_display() if activity else "",
            activity.place if activity else "", r.org.name, r.org.code, r.pk, _time(r.certified_at),
            r.corrects_id or ""]


def national_csv(queryset, chunk: int = 2000) -> Iterator[str]:
    """Streamed lines: nothing of a large export sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    with translation.override("zh-hans"):
        writer.writerow(NATIONAL_HEADERS)
        yield "\ufeff" + flush()
        for n, record in enumerate(queryset.iterator(chunk_size=chunk), start=1):
            writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in national_row(record)])
            if n % 500 == 0:
                yield flush()
        yield flush()
