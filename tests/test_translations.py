"""Chinese is the default language: every user-facing string in the code has a translation."""
import subprocess
import sys

from babel.messages.pofile import read_po

from .servers import ROOT


def _catalog(path):
    with open(path, "rb") as handle:
        return read_po(handle)


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    "-F", "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "-o", str(template), "."],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(template) if m.id}
    chinese = _catalog(ROOT / "translations/zh/LC_MESSAGES/messages.po")
    done = {(m.id if isinstance(m.id, str) else m.id[0]) for m in chinese
            if m.id and not m.fuzzy and m.string
            and all(m.string if isinstance(m.string, tuple) else [m.string])}
    missing = sorted(wanted - done)
    assert not missing, f"{len(missing)} strings lack a Chinese translation " \
                        f"(run pybabel extract/update and translate): {missing[:15]}"


def test_translations_keep_their_placeholders():
    import re
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    for message in _catalog(ROOT / "translations/zh/LC_MESSAGES/messages.po"):
        if message.id and isinstance(message.id, str) and message.string:
            assert sorted(placeholder.findall(message.id)) == \
                sorted(placeholder.findall(message.string)), message.id
