"""CSV imports of the liaison stations and the departments, checked line by line, loaded at once."""
import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, ValidationError
from ..extensions import db
from ..models import Community, Department, Station, Town
from .reference import KINDS
from .stations import LIMITS, contact_phone

STATION_COLUMNS = ("code", "name", "town", "community", "contact_name", "contact_phone")
STATION_REQUIRED = ("code", "name", "town")
DEPARTMENT_COLUMNS = ("code", "name", "kind")
DEPARTMENT_REQUIRED = DEPARTMENT_COLUMNS
#: Excel writes UTF-8 with a BOM (utf-8-sig reads both); Chinese Excel often writes GBK,
#: of which GB18030 is a superset.
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class ImportReport:
    """What an import found and did: the bad lines (number, problem) and the counts."""

    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    loaded: bool = False

    @property
    def skipped(self):
        return len({line for line, _problem in self.errors if line})

    def bad(self, line, problem):
        self.errors.append((line, problem))


def decode(data):
    """The file's text: UTF-8 (with or without a BOM), else GBK; ValidationError otherwise."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8."))


def read_rows(text, columns, required):
    """(line number, values by column) for each data line; a bad header is a ValidationError."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise ValidationError(_("The file is empty: it needs a header row (%(columns)s).",
                                columns=",".join(columns)))
    names = [cell.strip().lower() for cell in header]
    problems = [_("unknown column %(name)s", name=name or '""') for name in names
                if name not in columns]
    problems += [_("column %(name)s appears twice", name=name)
                 for name in sorted({n for n in names if names.count(n) > 1})]
    problems += [_("missing column %(name)s", name=name) for name in required
                 if name not in names]
    if problems:
        raise ValidationError(_("Line %(line)s (header): %(problems)s. Expected: %(columns)s.",
                                line=reader.line_num, problems="; ".join(problems),
                                columns=",".join(columns)))
    rows, start = [], reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            if len(cells) != len(names):
                rows.append((start, _("%(found)s fields where the header has %(expected)s",
                                      found=len(cells), expected=len(names))))
            else:
                values = {name: cells[i].strip() for i, name in enumerate(names)}
                rows.append((start, {c: values.get(c, "") for c in columns}))
        start = reader.line_num + 1
    return rows


def _lengths(values, limits):
    return [_("%(column)s is longer than %(n)s characters", column=name, n=limit)
            for name, limit in limits.items() if len(values.get(name, "")) > limit]


def _required(values, names):
    return [_("%(column)s is empty", column=name) for name in names if not values.get(name)]


def _first_lines(rows, key, report):
    """Report lines whose `key` value repeats an earlier line; return {value: first line}."""
    seen = {}
    for line, values in rows:
        if isinstance(values, dict) and values[key]:
            if values[key] in seen:
                report.bad(line, _("%(column)s %(value)s is already on line %(first)s",
                                   column=key, value=values[key], first=seen[values[key]]))
            else:
                seen[values[key]] = line
    return seen


class _Places:
    """Towns and their communities by Chinese name, loaded once."""

    def __init__(self):
        self.towns = {t.name: t for t in db.session.scalars(select(Town))}
        self.communities = {}
        for community in db.session.scalars(select(Community)):
            self.communities.setdefault(community.name, []).append(community)

    def find(self, town_name, community_name, problems):
        town = self.towns.get(town_name)
        if town is None and town_name:
            problems.append(_("unknown town %(town)s", town=town_name))
        community = None
        if community_name:
            matches = self.communities.get(community_name, [])
            community = next((c for c in matches if town and c.town_id == town.id), None)
            if not matches:
                problems.append(_("unknown community %(community)s", community=community_name))
            elif community is None and town is not None:
                problems.append(_("community %(community)s is not in %(town)s",
                                  community=community_name, town=town_name))
        return town, community


def _check_station(values, places):
    """Problems of one station line, and the row's fields when it has none."""
    problems = _required(values, STATION_REQUIRED) + _lengths(values, LIMITS)
    town, community = places.find(values["town"], values["community"], problems)
    phone_errors = {}
    phone = contact_phone(values["contact_phone"], phone_errors)
    if phone_errors:
        problems.append(_("contact_phone %(phone)s is not a valid phone number",
                          phone=values["contact_phone"]))
    fields = {"name": values["name"], "town_id": town.id if town else None,
              "community_id": community.id if community else None,
              "contact_name": values["contact_name"], "contact_phone": phone}
    return problems, fields


def _good_lines(rows, report, check):
    """Run `check` on every line; report the bad ones; return {line: (code, fields)}."""
    duplicates = {line for line, _p in report.errors}
    good = {}
    for line, values in rows:
        if not isinstance(values, dict):
            report.bad(line, values)
            continue
        problems, fields = check(values)
        for problem in problems:
            report.bad(line, problem)
        if not problems and line not in duplicates:
            good[line] = (values["code"], fields)
    return good


def _load(model, good, report, skip_bad, dry_run):
    """Upsert the good lines by code in one transaction, unless errors forbid it."""
    report.errors.sort(key=lambda error: error[0])
    if report.errors and not skip_bad:
        return report
    existing = {row.code: row for row in db.session.scalars(
        select(model).where(model.code.in_([code for code, _f in good.values()])))}
    for code, fields in good.values():
        row = existing.get(code)
        if row is None:
            db.session.add(model(code=code, is_active=True, **fields))
            report.created += 1
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
    if dry_run:
        db.session.rollback()
        return report
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("A code or name in the file clashes with one in the database (taken "
                         "meanwhile, or two names swapped in one file); nothing was loaded.")
                       ) from None
    report.loaded = True
    return report


def import_stations(data, skip_bad=False, dry_run=False):
    """Load stations from CSV bytes (code,name,town,community,contact_name,contact_phone)."""
    rows = read_rows(decode(data), STATION_COLUMNS, STATION_REQUIRED)
    report = ImportReport()
    _first_lines(rows, "code", report)
    places = _Places()
    good = _good_lines(rows, report, lambda values: _check_station(values, places))
    return _load(Station, good, report, skip_bad, dry_run)


def _check_department(values):
    problems = _required(values, DEPARTMENT_REQUIRED)
    problems += _lengths(values, {"code": 64, "name": 100})
    if values["kind"] and values["kind"] not in KINDS:
        problems.append(_("kind %(kind)s is not one of %(kinds)s", kind=values["kind"],
                          kinds=", ".join(KINDS)))
    return problems, {"name": values["name"], "kind": values["kind"]}


def _name_clashes(rows, report):
    """Department names are unique: a name may not go to two codes once the file is loaded."""
    owner = {d.name: d.code for d in db.session.scalars(select(Department))}
    renamed = {v["code"] for _l, v in rows if isinstance(v, dict)}
    owner = {name: code for name, code in owner.items() if code not in renamed}
    for line, values in rows:
        if isinstance(values, dict) and values["name"]:
            code = owner.setdefault(values["name"], values["code"])
            if code != values["code"]:
                report.bad(line, _("name %(name)s already belongs to department %(code)s",
                                   name=values["name"], code=code))


def import_departments(data, skip_bad=False, dry_run=False):
    """Load departments from CSV bytes (code,name,kind), upserted by code."""
    rows = read_rows(decode(data), DEPARTMENT_COLUMNS, DEPARTMENT_REQUIRED)
    report = ImportReport()
    _first_lines(rows, "code", report)
    _name_clashes(rows, report)
    good = _good_lines(rows, report, _check_department)
    return _load(Department, good, report, skip_bad, dry_run)
