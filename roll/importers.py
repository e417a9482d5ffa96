"""File imports for the roll: SSDA903 (children looked after) and GIAS (the national school register).

Both validate every row, report each bad row with its file, line and reason, import the valid rows in one
transaction, and change nothing when the same files are imported again. A file whose columns are wrong imports
nothing at all.
"""

import csv
import io
import logging
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from . import codes
from .models import Child, LegalStatus, Placement, School, Source
from .services import children_school_names_resync, upn_is_valid

logger = logging.getLogger(__name__)


@dataclass
class RowError:
    file: str
    line: int
    reason: str
    key: str = ""

    def __str__(self):
        where = f"{self.file} line {self.line}"
        return f"{where}: {self.reason}" + (f" ({self.key})" if self.key else "")


@dataclass
class ImportResult:
    dry_run: bool = False
    file_errors: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # rows not imported
    warnings: list[RowError] = field(default_factory=list)  # rows imported with something flagged
    counts: dict = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.file_errors

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        return sorted(self.counts.items())

    def summary(self) -> str:
        parts = [f"{k.replace('_', ' ')}: {v}" for k, v in sorted(self.counts.items())]
        return ", ".join(parts)


# ---------------------------------------------------------------------------
# Reading CSV files
# ---------------------------------------------------------------------------

def _read_bytes(source) -> tuple[bytes, str]:
    """Bytes and a display name from a path, an uploaded file or a binary/text stream."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return fh.read(), os.path.basename(os.fspath(source))
    name = os.path.basename(getattr(source, "name", "") or "file.csv")
    if hasattr(source, "seek"):
        try:
            source.seek(0)
        except (OSError, ValueError):
            pass
    data = source.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data, name


def _decode(data: bytes, encodings: tuple[str, ...]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def read_csv(source, *, encodings=("utf-8-sig", "cp1252")):
    """(name, header, rows) where rows is a list of (line number, {column: value}). BOM and CRLF tolerated."""
    data, name = _read_bytes(source)
    text = _decode(data, encodings).lstrip("\ufeff").replace("ï»¿", "", 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        return name, [], []
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        rows.append((reader.line_num, row))
    return name, header, rows


def _missing(header, required) -> list[str]:
    present = set(header)
    return [c for c in required if c not in present]


def parse_date(value: str) -> date | None:
    """dd/mm/YYYY (the 903 format), also ISO YYYY-MM-DD and dd-mm-YYYY. Raises ValueError when unparseable."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


# ---------------------------------------------------------------------------
# SSDA903
# ---------------------------------------------------------------------------

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
_CODE_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{0,4}$")
_NO_UPN = {"UN1", "UN2", "UN3", "UN4", "UN5"}

PLACEHOLDER_FIRST_NAME = "Unknown"


def placeholder_last_name(child_id: str) -> str:
    """903 returns carry no names: new children get a placeholder and are flagged for VS staff to complete."""
    return f"(child {child_id})"[:100]


@dataclass
class Episode:
    line: int
    start: date
    end: date | None
    rne: str
    ls: str
    place: str
    provider: str
    rec: str
    reason_change: str
    home_post: str
    pl_post: str
    urn: str
    ls_known: bool = True
    place_known: bool = True


def postcode_district(postcode: str) -> str:
    """The outward code of a postcode ("ZZ1 1ZZ" -> "ZZ1"). Only the district is kept: postcodes are sensitive."""
    pc = (postcode or "").strip().upper()
    if not pc:
        return ""
    if " " in pc:
        return pc.split()[0][:5]
    return pc[:-3][:5] if len(pc) > 4 else pc[:5]


def _postcode_area(postcode: str) -> str:
    m = re.match(r"^([A-Z]{1,2})", (postcode or "").strip().upper())
    return m.group(1) if m else ""


def _in_area(home_post: str, pl_post: str) -> bool | None:
    """Whether the placement is near home: same postcode area as the home postcode (the 903 has no council code)."""
    home, placed = _postcode_area(home_post), _postcode_area(pl_post)
    if not home or not placed:
        return None
    return home == placed


def _validate_header(name, rows, result):
    children = {}
    for line, row in rows:
        cid = row["CHILD"].strip()
        if not cid:
            result.errors.append(RowError(name, line, "CHILD is blank"))
            continue
        if len(cid) > 40:
            result.errors.append(RowError(name, line, "CHILD is longer than 40 characters", cid[:40]))
            continue
        if cid in children:
            result.errors.append(RowError(name, line, "duplicate header row for this child (first row kept)", cid))
            continue
        try:
            dob = parse_date(row["DOB"])
        except ValueError:
            result.errors.append(RowError(name, line, f"unparseable date of birth {row['DOB']!r}", cid))
            children[cid] = None  # later rows for the same child are still duplicates
            continue
        if dob is None:
            result.errors.append(RowError(name, line, "date of birth is blank", cid))
            children[cid] = None
            continue
        if dob > timezone.localdate():
            result.errors.append(RowError(name, line, "date of birth is in the future", cid))
            children[cid] = None
            continue
        sex = codes.SEX.get(row["SEX"].strip())
        if sex is None:
            result.warnings.append(RowError(name, line, f"unknown SEX code {row['SEX']!r} (recorded as not known)",
                                            cid))
            sex = Child.Sex.UNKNOWN
        upn = row["UPN"].strip().upper().replace(" ", "")
        if upn in _NO_UPN:
            upn = ""
        elif upn and not upn_is_valid(upn):
            result.warnings.append(RowError(name, line, "UPN fails its check letter (kept and flagged)", cid))
        children[cid] = {"line": line, "dob": dob, "sex": sex, "ethnicity": row["ETHNIC"].strip()[:8],
                         "upn": upn[:13]}
    return {k: v for k, v in children.items() if v is not None}


def _validate_episodes(name, rows, header_children, existing_ids, result):
    episodes = defaultdict(list)
    for line, row in rows:
        cid = row["CHILD"].strip()
        if not cid:
            result.errors.append(RowError(name, line, "CHILD is blank"))
            continue
        if cid not in header_children and cid not in existing_ids:
            result.errors.append(RowError(name, line, "episode for a child not in the header file or the roll",
                                          cid))
            continue
        try:
            start = parse_date(row["DECOM"])
        except ValueError:
            result.errors.append(RowError(name, line, f"unparseable DECOM date {row['DECOM']!r}", cid))
            continue
        if start is None:
            result.errors.append(RowError(name, line, "DECOM is blank", cid))
            continue
        try:
            end = parse_date(row["DEC"])
        except ValueError:
            result.errors.append(RowError(name, line, f"unparseable DEC date {row['DEC']!r}", cid))
            continue
        if end is not None and end < start:
            result.errors.append(RowError(name, line, "episode ends (DEC) before it starts (DECOM)", cid))
            continue
        rne = row["RNE"].strip().upper()
        if rne not in codes.REASON_NEW_EPISODE:
            result.errors.append(RowError(name, line, f"unknown RNE code {row['RNE']!r}", cid))
            continue
        ls = row["LS"].strip().upper()
        place = row["PLACE"].strip().upper()
        bad = [(col, v) for col, v in (("LS", ls), ("PLACE", place)) if not _CODE_SHAPE.match(v)]
        if bad:
            col, v = bad[0]
            result.errors.append(RowError(name, line, f"{'blank' if not v else 'unknown'} {col} code {v!r}", cid))
            continue
        year = codes.collection_year(start)
        ls_known = codes.is_known(codes.LEGAL_STATUS, ls, year)
        place_known = codes.is_known(codes.PLACEMENT, place, year)
        for col, v, known in (("LS", ls, ls_known), ("PLACE", place, place_known)):
            if not known:
                result.warnings.append(RowError(name, line, f"unknown {col} code {v!r} for {year - 1}-{year % 100:02d}"
                                                            " (kept and flagged)", cid))
        provider = row["PLACE_PROVIDER"].strip().upper()
        if provider and not codes.is_known(codes.PROVIDER, provider):
            result.warnings.append(RowError(name, line, f"unknown PLACE_PROVIDER code {provider!r} (kept)", cid))
        episodes[cid].append(Episode(
            line=line, start=start, end=end, rne=rne, ls=ls, place=place, provider=provider[:4],
            rec=row["REC"].strip().upper()[:4], reason_change=row["REASON_PLACE_CHANGE"].strip().upper()[:8],
            home_post=row["HOME_POST"], pl_post=row["PL_POST"], urn=row["URN"].strip()[:12],
            ls_known=ls_known, place_known=place_known,
        ))
    return episodes


def _history(episodes: list[Episode]):
    """Legal statuses, placements and the roll outcome built from one child's episodes."""
    eps = sorted(episodes, key=lambda e: (e.start, e.line))
    # An open episode followed by a later one ended when the next began (extracts can hold several open ones).
    ends = []
    for i, e in enumerate(eps):
        end = e.end
        if end is None and i + 1 < len(eps):
            end = eps[i + 1].start
        ends.append(end)
    legal, placements = [], []
    for i, e in enumerate(eps):
        end = ends[i]
        contiguous = i > 0 and ends[i - 1] == e.start
        if contiguous and legal and legal[-1]["code"] == e.ls:
            legal[-1]["end"] = end
        else:
            legal.append({"code": e.ls, "start": e.start, "end": end, "code_known": e.ls_known})
        prev = eps[i - 1] if i > 0 else None
        same_place = prev is not None and contiguous and (
            e.rne == "L" or (prev.place, prev.provider, postcode_district(prev.pl_post), prev.urn)
            == (e.place, e.provider, postcode_district(e.pl_post), e.urn)
        )
        if same_place and placements:
            p = placements[-1]
            p["end"] = end
            p["reason_for_change"] = e.reason_change
            p["reason_episode_ceased"] = e.rec if e.end else ""
        else:
            placements.append({
                "start": e.start, "end": end, "place_code": e.place, "provider_code": e.provider,
                "reason_new_episode": e.rne, "reason_for_change": e.reason_change,
                "reason_episode_ceased": e.rec if e.end else "",
                "postcode_district": postcode_district(e.pl_post), "in_area": _in_area(e.home_post, e.pl_post),
                "ofsted_urn": e.urn, "code_known": e.place_known,
            })
    # The current period of care: walk back from the latest episode while episodes join up.
    period_start = eps[-1].start
    for i in range(len(eps) - 1, 0, -1):
        if ends[i - 1] is not None and ends[i - 1] >= eps[i].start:
            period_start = eps[i - 1].start
        else:
            break
    last = eps[-1]
    outcome = {"on_roll_from": period_start, "on_roll_until": None, "cohort": Child.Cohort.CLA,
               "leaving_reason": ""}
    if last.end is not None and last.rec not in ("X1", ""):
        rec = last.rec
        outcome["on_roll_until"] = last.end
        outcome["leaving_reason"] = codes.label(codes.REASON_EPISODE_CEASED, rec)[:200]
        if rec in codes.REC_TO_PLAC:
            outcome["cohort"] = Child.Cohort.PLAC
        elif rec in codes.REC_TO_CWSW:
            outcome["cohort"] = Child.Cohort.CWSW
        elif rec in codes.REC_TO_CARE_LEAVER:
            outcome["cohort"] = Child.Cohort.CARE_LEAVER
    return legal, placements, outcome


_LS_FIELDS = ("code", "start", "end", "code_known")
_PL_FIELDS = ("start", "end", "place_code", "provider_code", "reason_new_episode", "reason_for_change",
              "reason_episode_ceased", "postcode_district", "in_area", "ofsted_urn", "code_known")


def _chunks(items, n=500):
    items = list(items)
    for i in range(0, len(items), n):
        yield items[i:i + n]


def import_903(header_source, episodes_source, *, actor=None, dry_run: bool = False, today: date | None = None):
    """Import an SSDA903 header file and episodes file. See the module docstring for the promises.

    Children are upserted by CHILD (kept as a string); a child missing from the extract is never deleted.
    Each child's SSDA903 legal statuses and placements are rebuilt from their episodes; rows entered by hand
    are left alone. New children get placeholder names (the 903 has none) and are flagged for completion.
    """
    started = time.monotonic()
    result = ImportResult(dry_run=dry_run)
    today = today or timezone.localdate()
    h_name, h_header, h_rows = read_csv(header_source)
    e_name, e_header, e_rows = read_csv(episodes_source)
    for name, header, required in ((h_name, h_header, HEADER_COLUMNS), (e_name, e_header, EPISODE_COLUMNS)):
        missing = _missing(header, required)
        if missing:
            result.file_errors.append(f"{name}: missing column{'s' if len(missing) > 1 else ''} "
                                      f"{', '.join(missing)}")
    if result.file_errors:
        return result

    header_children = _validate_header(h_name, h_rows, result)
    existing = {c.la_child_id: c for c in Child.objects.filter(la_child_id__in=list(header_children))} \
        if len(header_children) < 900 else {c.la_child_id: c for c in _children_by_ids(header_children)}
    episode_ids = {row["CHILD"].strip() for _line, row in e_rows} - set(header_children)
    for c in _children_by_ids(episode_ids):
        existing[c.la_child_id] = c
    episodes = _validate_episodes(e_name, e_rows, header_children, set(existing), result)
    result.counts["header rows"] = len(h_rows)
    result.counts["episode rows"] = len(e_rows)

    with transaction.atomic():
        _write_903(h_name, header_children, episodes, existing, actor, result, today)
        if dry_run:
            transaction.set_rollback(True)
    result.seconds = time.monotonic() - started
    logger.info("SSDA903 import%s: %s; %d row errors", " (dry run)" if dry_run else "", result.summary(),
                len(result.errors))
    return result


def _children_by_ids(ids):
    found = []
    for chunk in _chunks(ids):
        found.extend(Child.objects.filter(la_child_id__in=chunk))
    return found


def _current_fields(history, today) -> dict:
    """The list's denormalised fields (legal status and placement area now) from the rebuilt history."""
    legal, placements, _outcome = history

    def now(rows):
        return next((d for d in reversed(rows) if d["start"] <= today and (d["end"] is None or d["end"] >= today)),
                    None)

    ls_now, pl_now = now(legal), now(placements)
    return {"current_legal_status": ls_now["code"] if ls_now else "",
            "placement_in_area": pl_now["in_area"] if pl_now else None}


def _write_903(h_name, header_children, episodes, existing, actor, result, today):
    touched, new, changed = {}, [], []  # changed: (child, {field: (old, new)})

    def update(child, fields):
        diff = {f: (getattr(child, f), v) for f, v in fields.items() if getattr(child, f) != v}
        if diff:
            for f, (_old, v) in diff.items():
                setattr(child, f, v)
            child.stamp(actor)
            changed.append((child, diff))
            result.counts["children updated"] += 1
        return bool(diff)

    for cid, h in header_children.items():
        child = existing.get(cid)
        history = _history(episodes[cid]) if episodes.get(cid) else None
        fields = {"date_of_birth": h["dob"], "sex": h["sex"], "ethnicity": h["ethnicity"], "upn": h["upn"],
                  "upn_valid": upn_is_valid(h["upn"])}
        if history:
            fields.update(history[2])
            fields.update(_current_fields(history, today))
        if child is None:
            if not history:
                result.warnings.append(RowError(h_name, h["line"], "child has no episodes: added from today, "
                                                                   "check their care history", cid))
                fields["on_roll_from"] = today
            child = Child(la_child_id=cid, legal_first_name=PLACEHOLDER_FIRST_NAME,
                          legal_last_name=placeholder_last_name(cid), needs_completion=True, **fields)
            child.stamp(actor)
            new.append(child)
            result.counts["children added"] += 1
        elif not update(child, fields):
            result.counts["children unchanged"] += 1
        touched[cid] = (child, history)
    # Children known only from an earlier import can still get new episodes.
    for cid in episodes:
        if cid not in touched and cid in existing:
            child = existing[cid]
            history = _history(episodes[cid])
            update(child, {**history[2], **_current_fields(history, today)})
            touched[cid] = (child, history)
    # Bulk writes with one audit entry per child created or changed, as a row-by-row save would leave.
    with disable_auditlog():
        Child.objects.bulk_create(new, batch_size=1000)
        if changed:
            fields = sorted({f for _c, diff in changed for f in diff} | {"modified_at", "modified_by"})
            now = timezone.now()
            for c, _diff in changed:
                c.modified_at = now
            Child.objects.bulk_update([c for c, _d in changed], fields, batch_size=1000)
        _audit_children(new, changed, actor)
    _replace_episodes(touched, actor, result)


def _audit_children(new, changed, actor):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Child)
    now = timezone.now()
    actor = actor if getattr(actor, "pk", None) else None

    def entry(child, action, changes):
        return LogEntry(content_type=ct, object_pk=str(child.pk), object_id=child.pk, object_repr=str(child)[:200],
                        action=action, changes=changes, changes_text="", actor=actor, timestamp=now)

    def as_text(v):
        return "None" if v is None else str(v)

    entries = [entry(c, LogEntry.Action.CREATE,
                     {f: ["None", as_text(getattr(c, f))] for f in
                      ("la_child_id", "date_of_birth", "sex", "ethnicity", "upn", "cohort", "on_roll_from",
                       "on_roll_until")}) for c in new]
    entries += [entry(c, LogEntry.Action.UPDATE, {f: [as_text(o), as_text(n)] for f, (o, n) in diff.items()})
                for c, diff in changed]
    LogEntry.objects.bulk_create(entries, batch_size=1000)


def _replace_episodes(touched, actor, result):
    with_history = {c.pk: (c, h) for c, h in touched.values() if h}
    current_ls, current_pl = defaultdict(list), defaultdict(list)
    for chunk in _chunks(with_history):
        for row in LegalStatus.objects.filter(child_id__in=chunk, source=Source.SSDA903).order_by("start", "pk"):
            current_ls[row.child_id].append(row)
        for row in Placement.objects.filter(child_id__in=chunk, source=Source.SSDA903).order_by("start", "pk"):
            current_pl[row.child_id].append(row)
    ls_new, pl_new, delete_ls, delete_pl = [], [], [], []
    for pk, (_child, (legal, placements, _outcome)) in with_history.items():
        have_ls = sorted(tuple(getattr(r, f) for f in _LS_FIELDS) for r in current_ls[pk])
        want_ls = sorted(tuple(d[f] for f in _LS_FIELDS) for d in legal)
        if have_ls != want_ls:
            delete_ls.extend(r.pk for r in current_ls[pk])
            for d in legal:
                row = LegalStatus(child_id=pk, source=Source.SSDA903, **d)
                row.stamp(actor)
                ls_new.append(row)
        have_pl = sorted(tuple(getattr(r, f) for f in _PL_FIELDS) for r in current_pl[pk])
        want_pl = sorted(tuple(d[f] for f in _PL_FIELDS) for d in placements)
        if have_pl != want_pl:
            delete_pl.extend(r.pk for r in current_pl[pk])
            for d in placements:
                row = Placement(child_id=pk, source=Source.SSDA903, **d)
                row.stamp(actor)
                pl_new.append(row)
    for chunk in _chunks(delete_ls):
        LegalStatus.objects.filter(pk__in=chunk).delete()
    for chunk in _chunks(delete_pl):
        Placement.objects.filter(pk__in=chunk).delete()
    LegalStatus.objects.bulk_create(ls_new, batch_size=1000)
    Placement.objects.bulk_create(pl_new, batch_size=1000)
    result.counts["legal statuses written"] += len(ls_new)
    result.counts["placements written"] += len(pl_new)


# ---------------------------------------------------------------------------
# GIAS: the national school register
# ---------------------------------------------------------------------------

GIAS_COLUMNS = ["URN", "EstablishmentName", "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)",
                "PhaseOfEducation (name)", "LA (code)", "LA (name)", "EstablishmentNumber",
                "EstablishmentStatus (name)", "Street", "Town", "Postcode"]
GIAS_STATUS = {
    "open": School.Status.OPEN,
    "closed": School.Status.CLOSED,
    "open, but proposed to close": School.Status.OPEN_PROPOSED_TO_CLOSE,
    "proposed to open": School.Status.PROPOSED_TO_OPEN,
}
LINK_COLUMNS = ["URN", "LinkURN", "LinkType"]


def gias_phase(type_name: str, type_group: str, phase_name: str) -> str:
    """Our School.Phase from the register's type, type group and phase of education."""
    t, g, p = type_name.lower(), type_group.lower(), phase_name.lower()
    if "pupil referral unit" in t or "alternative provision" in t:
        return School.Phase.AP
    if g == "special schools" or "special" in t:
        return School.Phase.SPECIAL
    if g in ("colleges", "universities") or "16 to 19" in t or "16-19" in t or p == "16 plus" or "sixth form" in t:
        return School.Phase.POST16
    if "nursery" in t or p == "nursery":
        return School.Phase.NURSERY
    if p in ("primary", "middle deemed primary"):
        return School.Phase.PRIMARY
    if p in ("secondary", "middle deemed secondary"):
        return School.Phase.SECONDARY
    if p == "all-through":
        return School.Phase.ALL_THROUGH
    return School.Phase.OTHER


_SCHOOL_FIELDS = ("name", "phase", "type_name", "type_group", "la_code", "la_name", "establishment_number",
                  "status", "street", "town", "postcode", "in_authority_area", "in_register")


def import_gias(source, *, links=None, dry_run: bool = False, actor=None) -> ImportResult:
    """Upsert schools by URN from the register's all-establishments CSV (Windows-1252; columns by header name).

    With `links`, sets School.predecessor from "Predecessor" links where both schools are known.
    """
    from vschool.core.models import Authority

    started = time.monotonic()
    result = ImportResult(dry_run=dry_run)
    name, header, rows = read_csv(source, encodings=("cp1252",))
    missing = _missing(header, GIAS_COLUMNS)
    if missing:
        result.file_errors.append(f"{name}: missing columns {', '.join(missing)}")
    link_rows = None
    if links is not None:
        l_name, l_header, link_rows = read_csv(links, encodings=("cp1252",))
        missing = _missing(l_header, LINK_COLUMNS)
        if missing:
            result.file_errors.append(f"{l_name}: missing columns {', '.join(missing)}")
    if result.file_errors:
        return result
    our_la = Authority.current().la_code
    wanted = {}
    for line, row in rows:
        urn = row["URN"].strip()
        if not urn.isdigit() or len(urn) > 12:
            result.errors.append(RowError(name, line, f"URN {urn!r} is not a number"))
            continue
        if urn in wanted:
            result.errors.append(RowError(name, line, "URN appears twice (first row kept)", urn))
            continue
        school_name = row["EstablishmentName"].strip()
        if not school_name:
            result.errors.append(RowError(name, line, "EstablishmentName is blank", urn))
            continue
        status = GIAS_STATUS.get(row["EstablishmentStatus (name)"].strip().lower())
        if status is None:
            result.errors.append(RowError(name, line, f"unknown status {row['EstablishmentStatus (name)']!r}", urn))
            continue
        la_code = row["LA (code)"].strip()
        wanted[urn] = {
            "name": school_name[:200],
            "phase": gias_phase(row["TypeOfEstablishment (name)"], row["EstablishmentTypeGroup (name)"],
                                row["PhaseOfEducation (name)"]),
            "type_name": row["TypeOfEstablishment (name)"].strip()[:120],
            "type_group": row["EstablishmentTypeGroup (name)"].strip()[:120],
            "la_code": la_code[:3],
            "la_name": row["LA (name)"].strip()[:120],
            "establishment_number": row["EstablishmentNumber"].strip()[:8],
            "status": status,
            "street": row["Street"].strip()[:200],
            "town": row["Town"].strip()[:120],
            "postcode": row["Postcode"].strip().upper()[:10],
            "in_authority_area": la_code == our_la,
            "in_register": True,
        }
    result.counts["rows"] = len(rows)
    with transaction.atomic():
        existing = {}
        for chunk in _chunks(wanted, 900):
            existing.update({s.urn: s for s in School.objects.filter(urn__in=chunk)})
        new, changed = [], []
        now = timezone.now()
        for urn, fields in wanted.items():
            school = existing.get(urn)
            if school is None:
                school = School(urn=urn, **fields)
                school.stamp(actor)
                new.append(school)
                continue
            if any(getattr(school, f) != v for f, v in fields.items()):
                for f, v in fields.items():
                    setattr(school, f, v)
                school.stamp(actor)
                school.modified_at = now
                changed.append(school)
        School.objects.bulk_create(new, batch_size=1000)
        School.objects.bulk_update(changed, [*_SCHOOL_FIELDS, "modified_at", "modified_by"], batch_size=1000)
        children_school_names_resync([s.pk for s in changed])
        result.counts["schools added"] = len(new)
        result.counts["schools updated"] = len(changed)
        result.counts["schools unchanged"] = len(wanted) - len(new) - len(changed)
        if link_rows is not None:
            _import_links(l_name, link_rows, result, actor)
        if dry_run:
            transaction.set_rollback(True)
    result.seconds = time.monotonic() - started
    return result


def _import_links(name, rows, result, actor):
    candidates = {}
    for line, row in rows:
        link_type = row["LinkType"].strip()
        if not link_type.lower().startswith("predecessor"):
            continue
        urn, link_urn = row["URN"].strip(), row["LinkURN"].strip()
        if not urn.isdigit() or not link_urn.isdigit():
            result.errors.append(RowError(name, line, "URN or LinkURN is not a number"))
            continue
        try:
            established = parse_date(row.get("LinkEstablishedDate", ""))
        except ValueError:
            result.errors.append(RowError(name, line, f"unparseable date {row.get('LinkEstablishedDate')!r}", urn))
            continue
        # A plain "Predecessor" link wins over merger links; then the latest.
        rank = (link_type == "Predecessor", established or date.min)
        if urn not in candidates or rank > candidates[urn][0]:
            candidates[urn] = (rank, link_urn)
    urns = set(candidates) | {v[1] for v in candidates.values()}
    ids = {}
    for chunk in _chunks(urns, 900):
        ids.update(dict(School.objects.filter(urn__in=chunk).values_list("urn", "pk")))
    changed = []
    for chunk in _chunks([u for u in candidates if u in ids], 900):
        for school in School.objects.filter(urn__in=chunk):
            pred_id = ids.get(candidates[school.urn][1])
            if pred_id and pred_id != school.pk and school.predecessor_id != pred_id:
                school.predecessor_id = pred_id
                school.stamp(actor)
                changed.append(school)
    School.objects.bulk_update(changed, ["predecessor", "modified_by"], batch_size=1000)
    result.counts["predecessor links set"] = len(changed)
