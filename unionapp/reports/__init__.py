"""Reports the union system asks for (báo cáo thống kê, tổng kết), made from definitions that
are data (``resources/reports/*.json``) into an .xlsx or a PDF, or into a copy of the parent
union's own form.

- :mod:`.catalogue` names the figures; :mod:`.figures` computes them (no Qt, plain SQL);
- :mod:`.definitions` reads the report definitions, :mod:`.periods` the reporting periods;
- :mod:`.document` lays a report out once; :mod:`.xlsx` and :mod:`.pdf` write it;
- :mod:`.form` fills the parent's form; :mod:`.making` puts it all together.
"""

from __future__ import annotations

from .definitions import Period
from .figures import KeyCounts, key_counts
from .making import ReportRequest, ReportResult, make_report, report_kinds, suggested_name
from .periods import Preset, presets, resolve_period

__all__ = [
    "KeyCounts",
    "Period",
    "Preset",
    "ReportRequest",
    "ReportResult",
    "key_counts",
    "make_report",
    "presets",
    "report_kinds",
    "resolve_period",
    "suggested_name",
]
