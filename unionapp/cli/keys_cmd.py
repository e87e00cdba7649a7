"""``unionapp keys …``: this database's signing key and the keys it trusts."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exchange import keys
from ..i18n import _
from .common import open_for_reading, open_for_writing, print_json


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("keys", help=_("signing keys for exchanging data packages"))
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help=_("make this database's signing key pair"))
    init.add_argument("--replace", action="store_true",
                      help=_("make a new key pair (the other side must enrol it again)"))
    init.set_defaults(func=run_init)
    show = sub.add_parser("show", help=_("this database's key and the keys it trusts"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(func=run_show)
    export = sub.add_parser("export-public",
                            help=_("write this database's public key to a file for the other "
                                   "side"))
    export.add_argument("file", metavar="FILE", type=Path)
    export.set_defaults(func=run_export)
    trust = sub.add_parser("trust", help=_("enrol the public key of a branch (in a parent "
                                           "union's database) or of the parent union"))
    trust.add_argument("file", metavar="FILE", type=Path)
    trust.add_argument("--org-unit", required=True, metavar="CODE",
                       help=_("code of the unit the key belongs to"))
    trust.set_defaults(func=run_trust)


def print_own(info: keys.KeyInfo) -> None:
    print(_("Signing key of {code} — {name}").format(code=info.code, name=info.name))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.fingerprint))
    print(_("Private key file (keep it safe, never send it): {path}").format(path=info.path))


def run_init(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        print_own(keys.init_keys(db, replace=args.replace))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        own = keys.own_public(db)
        trusted = keys.peers(db)
    if args.json:
        print_json({
            "own": None if own is None else {"org_unit_uuid": str(own.unit_uuid),
                                             "code": own.code, "fingerprint": own.fingerprint,
                                             "path": str(own.path)},
            "trusted": [{"org_unit_uuid": str(p.unit_uuid), "code": p.code, "name": p.name,
                         "role": p.role, "fingerprint": p.fingerprint,
                         "enrolled_at": p.enrolled_at} for p in trusted],
        })
        return 0
    if own is None:
        print(_("This database has no signing key yet: unionapp keys init"))
    else:
        print_own(own)
    for peer in trusted:
        print(f"{peer.code}\t{peer.fingerprint}\t{peer.name}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_for_reading(args) as db:
        info = keys.export_public(db, args.file)
    print(_("Wrote the public key of {code} to {path}.").format(code=info.code, path=args.file))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=info.fingerprint))
    return 0


def run_trust(args: argparse.Namespace) -> int:
    with open_for_writing(args) as db:
        peer = keys.trust(db, args.file, args.org_unit)
    print(_("Enrolled the key of {code} — {name}.").format(code=peer.code, name=peer.name))
    print(_("Fingerprint: {fingerprint}").format(fingerprint=peer.fingerprint))
    print(_("Read this fingerprint over the phone with {code}: it must be exactly the one "
            "their program shows.").format(code=peer.code))
    return 0
