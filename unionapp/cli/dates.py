"""Dates on the command line: ``YYYY-MM-DD`` (the contract's form), with a plain message."""

from __future__ import annotations

import argparse
from datetime import date

from ..i18n import _


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date in the form YYYY-MM-DD: {text}").format(text=text)) from None
