"""The Spanish catalogue of the site's own words, and the check that it is current.

`python -m config.messages` (CI: .ci/messages) regenerates the catalogue with
`makemessages` (then puts the committed file back) and fails if a msgid the code uses is missing from the
committed `locale/<lang>/LC_MESSAGES/django.po`, if it holds one no longer used, if an
entry is untranslated or fuzzy, or if the committed `django.mo` is not what `msgfmt` makes
of it. `python -m config.messages --update` rewrites both (`make messages`). Both need
GNU gettext; serving the site does not (the .mo is committed).

The admin stays in English for editors: its templates are not scanned.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es",)
# What makemessages scans: the public site's templates and Python, not the admin's.
IGNORED = [
    ".venv",
    "node_modules",
    "tests",
    "bench",
    "deploy",
    "docs",
    "artifacts",
    "staticfiles",
    "templates/admin",
    "templates/simple_history",
]
OPTIONS = {"ignore_patterns": IGNORED, "no_location": True, "verbosity": 0}

Key = tuple[str, str]  # (msgctxt, msgid)


@dataclass(frozen=True)
class Entry:
    key: Key
    translated: bool
    fuzzy: bool


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def entries(po_text: str) -> list[Entry]:
    """The live entries of a .po file (not its header, not obsolete `#~` ones)."""
    found: list[Entry] = []
    for block in po_text.split("\n\n"):
        fields: dict[str, str] = {}
        fuzzy = False
        current = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            if line.startswith('"') and current:
                fields[current] += _unquote(line)
                continue
            name, _space, value = line.partition(" ")
            current = name
            fields[name] = _unquote(value)
        if fields.get("msgid"):
            translations = [v for k, v in fields.items() if k.startswith("msgstr")]
            found.append(
                Entry(
                    (fields.get("msgctxt", ""), fields["msgid"]),
                    bool(translations) and all(translations),
                    fuzzy,
                )
            )
    return found


def differences(committed: str, regenerated: str) -> list[str]:
    """What is wrong with the committed catalogue against a freshly regenerated one: each
    msgid missing or obsolete, each entry untranslated or fuzzy. Header dates don't count."""
    have = {entry.key: entry for entry in entries(committed)}
    want = {entry.key for entry in entries(regenerated)}
    problems = [f"missing: {msgid!r}" for _ctx, msgid in sorted(want - set(have))]
    problems += [f"obsolete: {msgid!r}" for _ctx, msgid in sorted(set(have) - want)]
    for key, entry in sorted(have.items()):
        if key in want and (entry.fuzzy or not entry.translated):
            problems.append(f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {key[1]!r}")
    return problems


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def _makemessages(language: str) -> None:
    from django.core.management import call_command

    os.chdir(ROOT)
    call_command("makemessages", locale=[language], **OPTIONS)


def po_path(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def regenerated(language: str) -> str:
    """The catalogue `makemessages` makes of the code now. makemessages writes only into the
    repository's own locale directory, so the committed file is put back, byte for byte."""
    committed = po_path(language)
    kept = committed.read_bytes()
    try:
        _makemessages(language)
        return committed.read_text()
    finally:
        committed.write_bytes(kept)


def check(language: str) -> list[str]:
    """The catalogue's problems for `language`; none when it is current."""
    committed = po_path(language)
    problems = differences(committed.read_text(), regenerated(language))
    # GNU gettext's msgfmt from PATH, on our own file: what compilemessages runs.
    msgfmt = ["msgfmt", "--check-format", "-o", "-", str(committed)]
    compiled = subprocess.run(msgfmt, capture_output=True, check=True).stdout  # noqa: S603
    if compiled != committed.with_suffix(".mo").read_bytes():
        problems.append("django.mo is not the compiled django.po: run make messages")
    return problems


def update(language: str) -> None:
    """Regenerate the committed catalogue (keeping its translations) and compile it."""
    from django.core.management import call_command

    _makemessages(language)
    call_command("compilemessages", locale=[language], verbosity=0)


def main(argv: list[str]) -> int:
    _setup()
    if "--update" in argv:
        for language in LANGUAGES:
            update(language)
        return 0
    failed = False
    for language in LANGUAGES:
        for problem in check(language):
            print(f"locale/{language}: {problem}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
