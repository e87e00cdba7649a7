"""Words about data files used by the exchange tab as well as its dialogs (kept apart so the
tab does not load the dialogs, their signing and merging, before they are opened)."""

from __future__ import annotations

from unionapp.i18n import N_, _

KEY_EXPLAINED = N_("The signing key is the union's electronic seal: with it the parent union "
                   "checks that a data file really comes from you and was not changed on the "
                   "way.")


def contents_text(full: bool, base: int) -> str:
    """What a package carries, in a clerk's words."""
    if full:
        return _("Everything")
    if not base:  # nothing confirmed before it: it carries everything too
        return _("Everything (the first file)")
    return _("Changes after file no. {base}").format(base=base)
