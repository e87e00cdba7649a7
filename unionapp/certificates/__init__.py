"""Printed certificates (giấy khen, bằng khen): templates as data, rendering, the award
register and printer calibration. See the modules for each part."""

from .calibration import calibration_page, printer_offset, save_printer_offset
from .printing import (
    CertificateDraft,
    Delivery,
    DraftRequest,
    FileDelivery,
    PrintSummary,
    draft_certificates,
    issue_certificates,
    print_certificates,
    print_sample,
)
from .register import RegisterEntry, export_register, print_log, register_list, register_years
from .templates import Template, load_template, template_names

__all__ = [
    "CertificateDraft",
    "Delivery",
    "DraftRequest",
    "FileDelivery",
    "PrintSummary",
    "RegisterEntry",
    "Template",
    "calibration_page",
    "draft_certificates",
    "export_register",
    "issue_certificates",
    "load_template",
    "print_certificates",
    "print_log",
    "print_sample",
    "printer_offset",
    "register_list",
    "register_years",
    "save_printer_offset",
    "template_names",
]
