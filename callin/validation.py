"""Small input checks shared by every service: ids that fit the database, text without NULs."""
MAX_ID = 2**31 - 1  # ids are 32-bit; a longer number is no id and must never reach the database


def parse_id(value):
    """A positive row id from an int or digit string, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def has_nul(value):
    """Whether a JSON value holds a NUL character anywhere (PostgreSQL refuses them in text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def first_line(text, limit):
    """The first non-empty line of a text, cut to `limit` characters with an ellipsis: how a
    case title or an on-air topic is made from what a citizen wrote ("" for no words)."""
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""
