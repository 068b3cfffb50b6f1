"""Where a Chinese phone number is registered, from a China-only table built once.

phonenumbers' own geocoder loads the place names of every country in every language (about
100 MB per server process). We extract the Chinese-language names of +86 prefixes once, in a
separate process, into a small JSON file in the instance folder, and look numbers up by their
longest known prefix.
"""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

_lock = threading.Lock()
_table = None
FILE_NAME = "phone-geography-cn-zh.json"


def build(path):
    """Write the +86 prefix table (prefix → index into a list of places) to `path`."""
    from phonenumbers.geodata import GEOCODE_DATA

    places, index, prefixes = [], {}, {}
    for prefix, names in GEOCODE_DATA.items():
        if not prefix.startswith("86"):
            continue
        name = names.get("zh") or names.get("en") or ""
        if name not in index:
            index[name] = len(places)
            places.append(name)
        prefixes[prefix] = index[name]
    tmp = Path(str(path) + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"places": places, "prefixes": prefixes}, ensure_ascii=False),
                   encoding="utf-8")
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def ensure_table(instance_path):
    """Build the table file if it is missing (in a child process, to keep this one small)."""
    path = Path(instance_path) / FILE_NAME
    if not path.exists():
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "callin.geography", str(path)], check=True,
                       timeout=300, cwd=Path(__file__).resolve().parent.parent)
    return path


def _load():
    global _table
    with _lock:
        if _table is None:
            from flask import current_app
            path = ensure_table(current_app.instance_path)
            data = json.loads(path.read_text(encoding="utf-8"))
            _table = (data["places"], data["prefixes"])
    return _table


def describe(e164):
    """The registered place of an E.164 +86 number in Chinese, or an empty string."""
    places, prefixes = _table or _load()
    digits = e164.lstrip("+")
    for end in range(min(len(digits), 12), 1, -1):
        found = prefixes.get(digits[:end])
        if found is not None:
            return places[found]
    return ""


if __name__ == "__main__":
    build(sys.argv[1])
