"""boai-verify: check a Boai transparency log from the outside.

    boai-verify audit https://boai.example.org --key KEY --state boai-state.json
    boai-verify audit ./dump --key KEY                  (a directory from `boai ledger dump`)
    boai-verify checkpoint https://boai.example.org --state boai-state.json
    boai-verify receipt https://boai.example.org --key KEY --index 1234 --opening <code on the receipt>

KEY is the log's verifier key (``name+keyid+base64``), published on the site's /transparency/ page
and at /log/. Give --key once more per key during a key rotation. With --state the verifier
remembers the log, the keys and every checkpoint it verified; later runs prove the log only grew.
Exit status: 0 verified, 1 a check failed (the output names the leaf or the checkpoints), 2 usage
or network error.
"""

from __future__ import annotations

import argparse
import sys

from boai_verifier import __version__, audit
from boai_verifier.note import NoteError, parse_key
from boai_verifier.rfc9162 import HASHES
from boai_verifier.source import SourceError, open_source
from boai_verifier.state import State


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boai-verify", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--version", action="version", version=f"boai-verify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("audit", "download every leaf, recompute the root, check the leaves and flow rules"),
                       ("checkpoint", "check the latest checkpoint's signature and that it extends the saved one"),
                       ("receipt", "check that a receipt's leaf is in the signed log")):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("source", help="site base URL (https://…) or a directory from `boai ledger dump`")
        cmd.add_argument("--key", action="append", default=[], help="pinned verifier key (repeatable)")
        cmd.add_argument("--state", help="state file: remembers keys and checkpoints between runs")
        cmd.add_argument("--hash", choices=HASHES, help="the log's hash (default: as the source says, then as saved)")
        if name == "receipt":
            cmd.add_argument("--index", type=int, required=True, help="leaf number printed on the receipt")
            cmd.add_argument("--opening", required=True, help="verification code printed on the receipt")
    return parser


def _setup(args) -> tuple:
    state = State.load(args.state)
    key_texts = args.key or state.keys
    if not key_texts:
        raise SystemExit("boai-verify: pin the log's key with --key (see the site's /transparency/ page)")
    keys = [parse_key(k) for k in key_texts]
    source = open_source(args.source)
    info = source.info() if args.hash is None else {}
    hash_name = args.hash or state.hash or info.get("hash") or "sm3"
    if state.hash and hash_name != state.hash:
        raise SystemExit(f"boai-verify: this log uses {state.hash}, not {hash_name}")
    return state, key_texts, keys, source, hash_name


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        state, key_texts, keys, source, hash_name = _setup(args)
        if args.command == "audit":
            report = audit.audit(source, keys, state, hash_name)
        elif args.command == "receipt":
            report = audit.check_receipt(source, keys, state, hash_name, args.index, args.opening)
        else:
            report = audit.Report()
            checkpoint = audit.fetch_checkpoint(source, keys, state, report)
            if checkpoint is not None:
                from boai_verifier.rfc9162 import Hasher

                audit.check_against_saved(Hasher(hash_name), source, checkpoint, state, report)
    except (NoteError, SourceError, ValueError) as exc:
        print(f"boai-verify: {exc}", file=sys.stderr)
        return 2
    for line in report.notes:
        print(line)
    for problem in report.problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if report.checkpoint is not None:
        state.origin = state.origin or report.checkpoint.origin
        state.hash, state.keys = hash_name, key_texts
        if report.ok:
            state.remember(report.checkpoint, str(source))
    state.save()
    if report.ok:
        print("OK: verified")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
