"""Adding, editing, listing and showing prospects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click

from qualify.cli.env import N_, Env, _, cell, language_option, pass_env, say
from qualify.cli.moves import echo_criteria


def kind_choice() -> click.Choice:
    return click.Choice(["dealer", "distributor", "reseller", "integrator", "other"])


@click.group()
def prospect() -> None:
    """Add, list and show prospects."""


@prospect.command("add")
@click.argument("name")
@click.option("--territory", default="", help="Sales territory, e.g. 'North-West'.")
@click.option("--kind", type=kind_choice(), default="other", show_default=True)
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--notes", default="", help="Free notes.")
@click.option(
    "--language",
    default="",
    metavar="LANG",
    help="The language of its interviews and reports, e.g. de (default: yours).",
)
@pass_env
def prospect_add(
    env: Env,
    name: str,
    territory: str,
    kind: str,
    tags: tuple[str, ...],
    notes: str,
    language: str,
) -> None:
    """Add a prospect at the first stage; prints its id alone."""
    added = env.qualifier.add_prospect(
        name,
        territory=territory,
        kind=kind,
        tags=tags,
        notes=notes,
        language=language_option(language, "--language") or "",
    )
    say(added.id)


@prospect.command("edit")
@click.argument("prospect_id", metavar="ID")
@click.option("--name", default=None, help="New company name.")
@click.option("--territory", default=None, help="New territory.")
@click.option("--kind", type=kind_choice(), default=None)
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeatable).")
@click.option("--notes", default=None, help="Replace the free notes.")
@click.option(
    "--language",
    default=None,
    metavar="LANG",
    help="The language of its interviews and reports, e.g. de ('' for yours).",
)
@pass_env
def prospect_edit(
    env: Env,
    prospect_id: str,
    name: str | None,
    territory: str | None,
    kind: str | None,
    tags: tuple[str, ...],
    notes: str | None,
    language: str | None,
) -> None:
    """Change a prospect's facts; the change is kept in its history."""
    q = env.qualifier
    found = env.resolve(prospect_id)
    saved = q.edit_prospect(
        found,
        name=name,
        territory=territory,
        kind=kind,
        notes=notes,
        tags=tags or None,
        language=None if language is None else language_option(language, "--language") or "",
    )
    with env.about(saved.language):
        if saved == found:
            say(_("{name}: nothing to change").format(name=cell(found.name)))
        else:
            say(_("{name}: saved").format(name=cell(saved.name)))


SORTS = ("updated", "name", "score", "meeting")


def _check_filters(
    env: Env, rows: list[Any], territory: str | None, stage: str | None, status: str | None
) -> None:
    """A filter nothing could pass (a stage, status or territory there is not) is a usage
    error naming its option, not an empty list."""
    from qualify.cli.filters import check_choice, check_territory
    from qualify.core.kinds import ProspectStatus

    check_territory(territory, (r.territory for r in rows), "--territory")
    check_choice(status, [s.value for s in ProspectStatus], "--status")
    if stage is not None:
        check_choice(stage, _list_facts(env)[0], "--stage")


def _list_facts(env: Env) -> tuple[list[str], dict[str, str]]:
    """The pipeline's stage ids and the band words of the language in use (see
    qualify.i18n.band_words), as plain strings kept in the user cache beside the sets
    they come from: a list that needs only these never imports the sets' models."""
    from qualify import setcache
    from qualify.i18n import current

    language = current()

    def facts() -> tuple[list[str], dict[str, str]]:
        from qualify.i18n import band_words

        catalog = env.catalog
        words = band_words(catalog.question_sets.values(), language)
        return list(map(str, catalog.pipeline.stage_ids)), {
            str(k): str(v) for k, v in words.items()
        }

    # the key holds the language and the code that works them out
    return setcache.derived(
        "list-facts",
        env.questionnaires[0],
        facts,
        depends=((language or "").encode(),),
        scope=("core", "i18n", "cli"),
    )


@prospect.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--territory", default=None, help="Only this territory.")
@click.option("--stage", default=None, help="Only this stage id.")
@click.option(
    "--status", default=None, help="Only this status (active, committed, declined, on_hold)."
)
@click.option(
    "--search",
    metavar="TEXT",
    help="Only prospects matching every word of TEXT, in any case and with or without "
    "accents: by name, territory, kind, stage, band or id, else by their answers, notes, "
    "tags and reasons.",
)
@click.option(
    "--names-only",
    is_flag=True,
    help="--search what the list shows only (instant; skips reading answers and notes).",
)
@click.option(
    "--meeting-within",
    metavar="PERIOD",
    help="Only prospects with a next meeting within PERIOD (7d, 2w), overdue ones included.",
)
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="updated",
    show_default=True,
    help="updated: most recently active first; meeting: the next meeting soonest first.",
)
@pass_env
def prospect_list(
    env: Env,
    as_json: bool,
    territory: str | None,
    stage: str | None,
    status: str | None,
    search: str | None,
    names_only: bool,
    meeting_within: str | None,
    sort: str,
) -> None:
    """List prospects, most recently active first (or as --sort says).

    A prospect whose file cannot be read (or is gone) is left out with a warning naming
    the file and the fix (`qualify doctor --repair`); the status is then 5.
    """
    from qualify.store import listed_quickly

    # the rows as the index wrote them, without the store's models, where nothing needs
    # more of a prospect than its row (a search reads answers; JSON is the model's own)
    quick = None if search or as_json else listed_quickly(env.data_dir, url=env.store_url)
    if quick is not None:
        rows: list[Any] = quick
    else:
        rows = env.store.list_prospects()
        doubtful = env.store.doubtful_rows()
        if doubtful:
            writers = ", ".join(sorted(set(doubtful.values())))
            say(
                _(
                    "qualify: note: {n} list row(s) disagreed with their records (written "
                    "by {writers}); shown as the records say (`qualify db verify` rewrites "
                    "them)"
                ).format(n=len(doubtful), writers=writers),
                err=True,
            )
    _check_filters(env, rows, territory, stage, status)
    if territory is not None:
        rows = [r for r in rows if r.territory == territory]
    if stage is not None:
        rows = [r for r in rows if r.stage == stage]
    if status is not None:
        rows = [r for r in rows if r.status == status]  # a StrEnum equals its value
    if meeting_within is not None:
        from datetime import timedelta

        from qualify.workflow.meetings import parse_within
        from qualify.workflow.qualifier import today

        last = today() + timedelta(days=parse_within(meeting_within))
        rows = [r for r in rows if r.next_meeting is not None and r.next_meeting <= last]
    if search:
        from qualify.workflow.search import search as find

        q = env.qualifier
        titles = {s.id: s.title for s in q.pipeline.stages} if q.catalog.pipeline else {}
        rows = find(q, rows, search, stage_titles=titles, names_only=names_only)
    rows = _sorted(rows, sort)
    if as_json:
        import orjson

        data = [r.model_dump(mode="json") for r in rows]
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    if not rows:
        filtered = any(x is not None for x in (territory, stage, status, search, meeting_within))
        say(
            _("No prospect matches.")
            if filtered
            else _(
                "No prospects yet. Add one with `qualify prospect add NAME` "
                "(or try `qualify demo` in a scratch workspace)."
            ),
            err=True,
        )
        return
    from qualify.i18n import english

    # the bands as the sets say them in the language in use (the JSON keeps them stored)
    bands = {} if english() else _list_facts(env)[1]
    # One write: 10,000 rows cost one call, not 10,000. Every cell is already made
    # visible (_table), so say()'s pass over the whole text (~100 M instructions, a tenth
    # of the command's own work at 10,000 rows) would find nothing to show.
    click.echo(_table(rows, bands))


HEADER = (
    "ID",
    N_("NAME"),
    N_("TERRITORY"),
    N_("KIND"),
    N_("STAGE"),
    N_("STATUS"),
    N_("SCORE"),
    N_("BAND"),
    N_("COVERAGE"),
    N_("MEETING"),
)
"""The list's column titles (in the language in use)."""


def _table(rows: list, bands: dict[str, str] | None = None) -> str:
    """The rows as aligned columns (at most 32 characters each), built column by column
    with no Python code run per cell where a builtin does it, one format per line: a
    column whose text is all printable is shown as it is, any other has each cell
    made visible (`cell`), so a name cannot forge a row. `bands`: a stored band label →
    the words shown for it (the language in use)."""
    from qualify.core.collector import collector_paused

    with collector_paused():  # 10,000 rows stay alive: every pass would walk them all
        return _columns(rows, bands or {})


def _columns(rows: list, shown: dict[str, str]) -> str:
    from operator import itemgetter

    from qualify import i18n
    from qualify.core import words
    from qualify.core.words import KIND_LABELS, STATUS_LABELS

    says = words if i18n.english() else i18n  # formatters chosen once, not per cell
    fields = itemgetter(
        "id", "name", "territory", "kind", "stage", "status", "score", "band",
        "knocked_out", "provisional", "coverage", "next_meeting",
    )  # fmt: skip
    if isinstance(rows[0], tuple):  # rows as the index wrote them: columns are a zip
        (ids, names, places, kinds, stages, statuses, scores, stored, kos, cover, _at, prov,
         days) = zip(*rows, strict=True)  # fmt: skip
    else:
        # each row read once, from its fields' dict (touching 10,000 rows once per field
        # costs 3x as much; a pydantic model's attribute lookup 2x as much as its dict's)
        ids, names, places, kinds, stages, statuses, scores, stored, kos, prov, cover, days = zip(
            *map(fields, map(vars, rows)), strict=True
        )
    kinds, statuses = list(map(str, kinds)), list(map(str, statuses))  # StrEnum: the value
    if says is i18n:  # the method's words (English keeps the values it always showed)
        kinds = _each(lambda k: _(KIND_LABELS.get(k, k)), kinds)
        statuses = _each(lambda s: _(STATUS_LABELS.get(s, s)), statuses)
    said_provisional = _("provisional")
    columns = [
        ids,
        names,
        places,
        kinds,
        stages,
        statuses,
        _each(says.fmt_score, scores),
        [
            ("✗ " if ko else "")
            + (shown.get(band, band) if band else "")
            + ("" if band or not p else said_provisional)
            for ko, band, p in zip(kos, stored, prov, strict=True)
        ],
        _each(says.fmt_pct, cover),
        _each(lambda day: says.fmt_date(day) if day else "", days),
    ]
    header = tuple(_(title) for title in HEADER)
    widths = []
    for n, (title, cells) in enumerate(zip(header, columns, strict=True)):
        text = "".join(cells)
        if not text.isprintable():  # (what `cell` changes never is)
            columns[n] = cells = list(map(cell, cells))
        widths.append(min(max(len(title), *map(len, cells)), 32))
    line = "  ".join(f"%-{w}.{w}s" for w in widths)  # padded, cut at the width (≤ 32)
    lines = [line % header, *map(line.__mod__, zip(*columns, strict=True))]
    return "\n".join(map(str.rstrip, lines))


def _each(say_one: Callable[[Any], str], values: Iterable[Any]) -> list[str]:
    """``say_one`` of every value, each distinct value said once: 10,000 rows hold a few
    hundred scores, shares and days, and Babel takes some 10 µs to format one. A float
    is told apart by its bits (0.0 and -0.0 are equal, and may be said apart)."""
    said: dict[Any, str] = {}
    out = []
    for value in values:
        key = value.hex() if type(value) is float else value
        text = said.get(key)
        if text is None:
            text = said[key] = say_one(value)
        out.append(text)
    return out


def _sorted(rows: list, key: str) -> list:
    """The rows in the order asked (list_prospects gives the most recently active first)."""
    if key == "name":
        return sorted(rows, key=lambda r: r.name.casefold())
    if key == "score":
        return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0)))
    if key == "meeting":
        return sorted(rows, key=lambda r: (r.next_meeting is None, r.next_meeting))
    return rows


@prospect.command("show")
@click.argument("prospect_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_env
def prospect_show(env: Env, prospect_id: str, as_json: bool) -> None:
    """Stage, status, latest score breakdown, gate result and history of a prospect."""
    q = env.qualifier
    records = env.read(prospect_id)
    found = records.prospect
    if as_json:
        import orjson

        assessment = q.assess(found, stored=records)
        data = assessment.to_dict()
        data["history"] = [h.model_dump(mode="json") for h in assessment.records.history]
        data["attachments"] = _attachments_json(env.store.attachments(found.id))
        say(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return
    with env.speaking(q, found.language):
        assessment = q.assess(found, stored=records)
        _show(env, q, found, assessment, assessment.records.history)


def _show(env: Env, q: Any, found: Any, assessment: Any, history: list) -> None:
    """`prospect show` in words, in the language in use."""
    from qualify.core.words import KIND_LABELS, STATUS_LABELS
    from qualify.i18n import _, english, tr
    from qualify.reports.terminal import breakdown_table

    stage_title = assessment.stage.title if assessment.stage else found.stage
    say(f"{cell(found.name)}  ({found.id})")
    kind, status = found.kind.value, found.status.value
    if not english():  # the method's words (English keeps the values it always showed)
        kind, status = _(KIND_LABELS.get(kind, kind)), _(STATUS_LABELS.get(status, status))
    facts = [kind, found.territory or _("no territory"), stage_title, status]
    say("  " + " · ".join(cell(f) for f in facts))
    if found.next_meeting is not None:
        from qualify.workflow.meetings import meeting_text

        say("  " + _("next meeting {when}").format(when=cell(meeting_text(found.next_meeting))))
    say("")
    if assessment.breakdown and assessment.question_set:
        answers = assessment.interview.answers if assessment.interview else None
        say(breakdown_table(assessment.question_set, assessment.breakdown, answers))
    else:
        say(_("No answers yet at this stage."))
    if assessment.gate:
        say("")
        verdict = _("met") if assessment.gate.passed else _("not met")
        say(_("Gate to move on: {verdict}").format(verdict=verdict))
        echo_criteria(assessment.gate.criteria, assessment.gate_set)
    if assessment.next_step:
        say(_("Next step: {step}").format(step=tr(assessment.next_step)))
        if found.status.value in ("active", "committed"):
            from qualify.workflow.meetings import meeting_agenda

            open_items = len(meeting_agenda(q, found).items)
            if open_items:
                say(
                    "  "
                    + _("({n} open item(s): `qualify agenda {id}`)").format(
                        n=open_items, id=found.id
                    )
                )
    _show_attachments(env.store.attachments(found.id))
    say("")
    say(_("History"))
    from qualify.core.undo import undone_ids

    undone = undone_ids(history)
    words = _history_words(q, history)
    for h in history:
        at, action, stage = words(h)
        move = (
            f"{stage(h.from_stage)} → {stage(h.to_stage)}"
            if h.action == "advance"
            else stage(h.to_stage)
        )
        if h.action == "undo":
            what = h.details.get("undone") if h.details.get("undoes") != "answer" else "answer"
            question = h.details.get("question")
            move = f"{what} {question}" if question else f"{what} ({h.from_stage} → {h.to_stage})"
        elif h.action == "correct":
            move = f"{h.from_stage}: " + ", ".join(h.details.get("answers") or {})
        extra = (
            " " + _("(override: {reason})").format(reason=h.reason)
            if h.overridden
            else (f": {h.reason}" if h.reason else "")
        )
        by = " " + _("by {name}").format(name=h.by) if h.by else ""
        mark = " " + _("[undone]") if h.id in undone else ""
        say(f"  {at}  {action} {cell(move)}{cell(extra)}{cell(by)}{mark}")


def _history_words(q: Any, history: list) -> Any:
    """How a history line says when, what and which stage: English keeps the values it
    always showed (2026-03-01 14:30, advance, first-date); another language its words
    (01.03.2026, 14:30, Weitergerückt, Erstes Date)."""
    from qualify.core.words import ACTION_LABELS
    from qualify.i18n import _, english, fmt_datetime, stage_title

    if english():
        return lambda h: (f"{h.at:%Y-%m-%d %H:%M}", f"{h.action:<8}", lambda s: s or "")
    labels = {h.action: _(ACTION_LABELS.get(h.action, h.action)) for h in history}
    width = max((len(label) for label in labels.values()), default=0)
    pipeline = q.catalog.pipeline

    def stage(stage_id: str | None) -> str:
        return stage_title(pipeline, stage_id) if stage_id else ""

    return lambda h: (fmt_datetime(h.at), labels[h.action].ljust(width), stage)


def _attachments_json(attachments: list) -> list[dict]:
    from qualify.workflow.evidence import listed

    return [
        {
            **item.attachment.model_dump(mode="json"),
            "superseded_by": item.superseded_by.id if item.superseded_by else None,
        }
        for item in listed(attachments)
    ]


def _show_attachments(attachments: list) -> None:
    """Evidence files, oldest first: question, name, size, hash, who, when, note."""
    if not attachments:
        return
    from qualify.i18n import fmt_date, fmt_size
    from qualify.workflow.evidence import listed

    say("")
    say(_("Evidence files"))
    for item in listed(attachments):
        a = item.attachment
        by = " " + _("by {name}").format(name=a.by) if a.by else ""
        note = f" — {a.note}" if a.note else ""
        newer = item.superseded_by
        mark = (
            " " + _("[superseded by {name}, {day}]").format(name=newer.name, day=fmt_date(newer.at))
            if newer
            else ""
        )
        say(
            f"  {a.at:%Y-%m-%d %H:%M}  {cell(a.stage)}: {cell(a.question_id)}  {cell(a.name)}  "
            f"{fmt_size(a.size)}  sha256 {a.sha256[:12]}{cell(by)}{cell(note)}{cell(mark)}"
        )
