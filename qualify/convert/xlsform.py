"""An XLSForm (the spreadsheet form format of ODK, KoboToolbox and SurveyCTO) converted
into a qualify question set.

The ``survey`` sheet becomes sections and questions (groups → sections, repeats →
repeated sections), ``choices`` the options, ``settings`` the set's id, title and
version. ``relevant``, ``constraint``, ``required`` and ``calculation`` are translated
where qualify's expression language can say the same (:mod:`qualify.convert.xpath`).
Everything that cannot be expressed — a geopoint, a photo, a function qualify does
not have — is listed with its sheet, row and reason, and never silently dropped: the
same list heads the YAML as a comment. The result passes ``qualify validate``.

Scores are not part of an XLSForm: a converted set asks and records, and scores once
an area manager adds points, bands and weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from qualify.convert.xpath import Untranslatable, translate
from qualify.core.errors import QualifyError
from qualify.core.questionnaire import parse_question_set
from qualify.core.questionnaire.language_codes import is_language
from qualify.core.questionnaire.yamlsource import parse_yaml

__all__ = ["Conversion", "ConversionError", "Lost", "convert_xlsform"]

MAX_ROWS = 5_000
"""Survey rows read at most (a form of a few hundred questions is large)."""

MAX_REPEATS = 20

_QUESTION_TYPES = {
    "integer": "number",
    "decimal": "number",
    "text": "text",
    "string": "text",
    "date": "date",
    "calculate": "calculated",
}
_UNSUPPORTED = {
    "geopoint": "locations are not recorded",
    "geotrace": "locations are not recorded",
    "geoshape": "locations are not recorded",
    "image": "photos are evidence files: attach them with `qualify attach`",
    "audio": "recordings are evidence files: attach them with `qualify attach`",
    "video": "videos are evidence files: attach them with `qualify attach`",
    "file": "files are evidence: attach them with `qualify attach`",
    "barcode": "barcodes are not read",
    "time": "times of day are not a question type",
    "datetime": "dates with a time are not a question type (use date)",
    "range": "a range slider is not a question type (use integer with min and max)",
    "rank": "ranking is not a question type",
    "acknowledge": "an acknowledgement records nothing to score",
    "start": "form metadata is not a question",
    "end": "form metadata is not a question",
    "today": "form metadata is not a question",
    "deviceid": "form metadata is not a question",
    "username": "form metadata is not a question",
    "audit": "form metadata is not a question",
    "hidden": "a hidden field has no value to ask for",
    "trigger": "a trigger records nothing",
    "select_one_from_file": "choices from an external file are not read",
    "select_multiple_from_file": "choices from an external file are not read",
}


class ConversionError(QualifyError):
    """The file is not an XLSForm qualify can read (no survey sheet, not a workbook…)."""


@dataclass(frozen=True)
class Lost:
    """Something of the form the question set does not carry, and why."""

    sheet: str
    row: int
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}: {self.what}: {self.reason}"


@dataclass
class Conversion:
    """The question set as YAML text, its id, and everything that was left out."""

    set_id: str
    yaml_text: str
    lost: list[Lost] = field(default_factory=list)


# ------------------------------------------------------------------ reading


def _sheets(path: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - a dependency
        raise ConversionError("reading XLSForms needs openpyxl: pip install openpyxl") from exc
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ConversionError(f"{path}: no such file") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ConversionError(f"{path}: not an Excel workbook (.xlsx): {exc}") from None
    sheets: dict[str, list[dict[str, Any]]] = {}
    try:
        for ws in book.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            keys = [str(h).strip().lower() if h is not None else "" for h in header]
            out = []
            for n, row in enumerate(rows, start=2):
                if n > MAX_ROWS + 1:
                    raise ConversionError(f"{path}: sheet {ws.title}: more than {MAX_ROWS} rows")
                record = {k: v for k, v in zip(keys, row, strict=False) if k and v is not None}
                record["__row__"] = n
                out.append(record)
            sheets[ws.title.strip().lower()] = out
    finally:
        book.close()
    if "survey" not in sheets:
        raise ConversionError(f"{path}: no 'survey' sheet: not an XLSForm")
    return sheets


_LANG = re.compile(r"^(?P<field>[a-z_]+)::(?P<name>.+?)(?:\s*\((?P<code>[A-Za-z-]+)\))?$")


def _text(record: dict[str, Any], key: str, language: str | None) -> str:
    """A label or hint in the chosen language: `label::English (en)`, `label::en`, else
    the plain column."""
    if language is not None:
        for col, value in record.items():
            m = _LANG.match(col) if isinstance(col, str) else None
            if m and m.group("field") == key and language in (m.group("code"), m.group("name")):
                return str(value).strip()
    plain = record.get(key)
    if plain is not None:
        return str(plain).strip()
    for col, value in record.items():  # any language at all, rather than nothing
        m = _LANG.match(col) if isinstance(col, str) else None
        if m and m.group("field") == key:
            return str(value).strip()
    return ""


def _languages(sheets: dict[str, list[dict[str, Any]]]) -> list[str]:
    found: list[str] = []
    for record in sheets.get("survey", []) + sheets.get("choices", []):
        for col in record:
            m = _LANG.match(col) if isinstance(col, str) else None
            if m and m.group("field") == "label":
                lang = m.group("code") or m.group("name")
                if lang not in found:
                    found.append(lang)
    return found


def _code(language: str) -> str | None:
    """The language code of a column's language: `en` for `English (en)` or `English`;
    None when neither is one qualify knows."""
    if is_language(language):
        return language
    language = language.replace("-", "_")
    if is_language(language.lower()):
        return language.lower()
    from babel import Locale

    names = {name.lower(): code for code, name in Locale("en").languages.items()}
    code = names.get(language.strip().lower())
    return code if code is not None and is_language(code) else None


def _columns(record: dict[str, Any], key: str) -> dict[str, str]:
    """Column language (code or name, as the form spells it) → its text, for `key`."""
    found: dict[str, str] = {}
    for col, value in record.items():
        m = _LANG.match(col) if isinstance(col, str) else None
        if m and m.group("field") == key and value is not None and str(value).strip():
            found[m.group("code") or m.group("name")] = str(value).strip()
    return found


_ID_BAD = re.compile(r"[^A-Za-z0-9_]")


def _identifier(name: str, taken: set[str]) -> str:
    ident = _ID_BAD.sub("_", name.strip()) or "q"
    if not re.match(r"[A-Za-z_]", ident):
        ident = "q_" + ident
    ident = ident[:60]
    base, n = ident, 2
    while ident in taken:
        ident = f"{base}_{n}"
        n += 1
    taken.add(ident)
    return ident


def _joined(parent: str | dict[str, str], child: str | dict[str, str]) -> str | dict[str, str]:
    """A nested group's title: `Company › Owners`, in each language."""
    if isinstance(parent, str) and isinstance(child, str):
        return f"{parent} › {child}"
    parents = parent if isinstance(parent, dict) else {}
    children = child if isinstance(child, dict) else {}
    codes = list(dict.fromkeys([*parents, *children]))
    first_p = parent if isinstance(parent, str) else next(iter(parent.values()))
    first_c = child if isinstance(child, str) else next(iter(child.values()))
    return {c: f"{parents.get(c, first_p)} › {children.get(c, first_c)}" for c in codes}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:64]
    return slug if slug and slug[0].isalnum() else f"form-{slug}".strip("-")[:64] or "form"


def _truthy(value: Any) -> bool | None:
    text = str(value).strip().lower()
    if text in ("yes", "true", "true()", "1"):
        return True
    if text in ("no", "false", "false()", "0", ""):
        return False
    return None


# ------------------------------------------------------------------ converting


class _Converter:
    def __init__(
        self,
        sheets: dict[str, list[dict[str, Any]]],
        language: str | None,
        codes: dict[str, str] | None = None,
    ) -> None:
        self.sheets = sheets
        self.language = language
        self.codes: dict[str, str] = codes or {}
        """Form language (as its columns name it) → language code, the default first, when
        the form has labels in several languages: then every text is kept in each."""
        self.lost: list[Lost] = []
        self.ids: set[str] = set()
        self.section_ids: set[str] = set()
        self.names: dict[str, str] = {}
        """XLSForm name → question id, for translating ${name} references."""
        self.single: set[str] = set()
        """Ids of select_one questions (selected() on them is an equality)."""
        self.rows: dict[str, int] = {}
        """Question or section id → its survey row (for what is dropped later)."""
        self.choices = self._choices()

    def text(self, record: dict[str, Any], key: str) -> str | dict[str, str]:
        """A label, hint or message: in every language of the form (a mapping language →
        text) when it has several, else in the one chosen."""
        if len(self.codes) < 2:
            return _text(record, key, self.language)
        columns = _columns(record, key)
        texts = {self.codes[lang]: text for lang, text in columns.items() if lang in self.codes}
        plain = record.get(key)
        default = next(iter(self.codes.values()))
        if plain is not None and str(plain).strip() and default not in texts:
            texts[default] = str(plain).strip()
        if not texts:
            return ""
        if list(texts) == [default]:
            return texts[default]  # in the default language only: plain text
        order = list(self.codes.values())
        return {code: texts[code] for code in order if code in texts}

    def lose(self, row: int, what: str, reason: str, sheet: str = "survey") -> None:
        self.lost.append(Lost(sheet, row, what, reason))

    def _choices(self) -> dict[str, list[dict[str, Any]]]:
        lists: dict[str, list[dict[str, Any]]] = {}
        for record in self.sheets.get("choices", []):
            list_name = str(record.get("list_name") or record.get("list name") or "").strip()
            name = record.get("name")
            if not list_name or name is None:
                continue
            value = str(name).strip()
            if isinstance(name, float) and name.is_integer():
                value = str(int(name))
            label = self.text(record, "label") or value
            options = lists.setdefault(list_name, [])
            if any(o["value"] == value for o in options):
                self.lose(record["__row__"], f"choice {value!r}", "listed twice", "choices")
                continue
            options.append({"value": value, "label": label, "score": 0})
        return lists

    def expression(self, record: dict[str, Any], column: str, what: str) -> str | None:
        raw = record.get(column)
        if raw is None or not str(raw).strip():
            return None
        try:
            return translate(str(raw), self.names, self.single)
        except Untranslatable as exc:
            self.lose(record["__row__"], f"{what} `{raw}`", f"{column} not converted: {exc}")
            return None

    def run(self) -> dict[str, Any]:
        settings = (self.sheets.get("settings") or [{}])[0]
        title = str(settings.get("form_title") or "").strip() or "Converted form"
        set_id = _slug(str(settings.get("form_id") or title))
        version = settings.get("version")
        version_number = 1
        if version is not None:
            text = str(version).strip()
            if text.isdigit() and 1 <= int(text) <= 1_000_000:
                version_number = int(text)
            else:
                reason = "qualify versions are whole numbers up to 1,000,000: version 1 is used"
                self.lose(settings.get("__row__", 2), f"version {text!r}", reason, "settings")
        # first pass: every field's name, so references can point forwards too
        for record in self.sheets["survey"]:
            name = record.get("name")
            kind = str(record.get("type") or "").strip().lower()
            if name is not None and kind and not kind.startswith(("begin", "end")):
                ident = _identifier(str(name), self.ids)
                self.names[str(name).strip()] = ident
                if kind.split()[0] == "select_one":
                    self.single.add(ident)
        sections = self._sections(title)
        return {"id": set_id, "title": title, "version": version_number, "sections": sections}

    def _sections(self, title: str) -> list[dict[str, Any]]:
        """Groups become sections, in order; questions outside any group go in a section
        of their own where they stand (so a condition still only looks back)."""
        sections: list[dict[str, Any]] = []
        stack: list[dict[str, Any]] = []
        top: dict[str, Any] | None = None

        def current() -> dict[str, Any]:
            nonlocal top
            if stack:
                return stack[-1]["section"]
            if top is None:
                top = {"id": _identifier("main", self.section_ids), "title": title, "questions": []}
                sections.append(top)
            return top

        for record in self.sheets["survey"]:
            row = record["__row__"]
            kind = str(record.get("type") or "").strip().lower()
            if not kind:
                continue
            words = kind.split()
            if words[0] in ("begin_group", "begin_repeat", "end_group", "end_repeat"):
                words = words[0].split("_") + words[1:]
            if words[:1] == ["begin"] and words[1:2] in (["group"], ["repeat"]):
                stack.append(self._open(record, words[1], stack))
                top = None  # questions after this group start a section of their own
                continue
            if words[:1] == ["end"] and words[1:2] in (["group"], ["repeat"]):
                if stack:
                    self._close(stack.pop(), sections)
                continue
            question = self._question(record, words, row)
            if question is not None:
                current()["questions"].append(question)
        while stack:  # a group never closed: keep what it asked
            closed = stack.pop()
            self.lose(closed["row"], f"group {closed['name']!r}", "no end group row")
            self._close(closed, sections)
        return [s for s in sections if s["questions"]]

    def _close(self, closed: dict[str, Any], sections: list[dict[str, Any]]) -> None:
        if closed["section"]["questions"]:
            sections.append(closed["section"])
        else:
            self.lose(closed["row"], f"group {closed['name']!r}", "it asks nothing of its own")

    def _open(
        self, record: dict[str, Any], kind: str, stack: list[dict[str, Any]]
    ) -> dict[str, Any]:
        row = record["__row__"]
        name = str(record.get("name") or f"group_{row}")
        label = self.text(record, "label") or name
        if stack:
            label = _joined(stack[-1]["section"]["title"], label)
        section: dict[str, Any] = {
            "id": _identifier(name, self.section_ids),
            "title": label,
            "questions": [],
        }
        self.rows[section["id"]] = row
        condition = self.expression(record, "relevant", f"group {name!r}")
        parent = stack[-1]["section"].get("when") if stack else None
        if condition and parent:
            condition = f"({parent}) and ({condition})"
        if condition or parent:
            section["when"] = condition or parent
        if kind == "repeat":
            if stack and stack[-1]["repeat"]:
                self.lose(row, f"repeat {name!r}", "a repeat inside a repeat is asked once")
            else:
                count = str(record.get("repeat_count") or "").strip()
                most = int(count) if count.isdigit() and 1 <= int(count) <= MAX_REPEATS else 3
                if count and not (count.isdigit() and int(count) <= MAX_REPEATS):
                    self.lose(row, f"repeat_count {count!r}", f"up to {most} repeats are kept")
                section["repeat"] = {"min": 0, "max": most}
        return {"section": section, "row": row, "name": name, "repeat": kind == "repeat"}

    def _question(
        self, record: dict[str, Any], words: list[str], row: int
    ) -> dict[str, Any] | None:
        kind = words[0]
        name = str(record.get("name") or "").strip()
        what = f"{kind} {name!r}"
        if kind == "note":
            self.lose(row, what, "a note is not a question (its text could go in a help)")
            return None
        if kind in _UNSUPPORTED:
            self.lose(row, what, _UNSUPPORTED[kind])
            return None
        if kind in ("select_one", "select_multiple"):
            list_name = words[1] if len(words) > 1 else ""
            options = self.choices.get(list_name)
            if not options:
                self.lose(row, what, f"its choice list {list_name!r} is empty or missing")
                return None
            qtype = "choice" if kind == "select_one" else "multi"
        elif kind in _QUESTION_TYPES:
            qtype, options = _QUESTION_TYPES[kind], None
        else:
            self.lose(row, what, f"the type {kind!r} is not known")
            return None
        if not name or name not in self.names:
            self.lose(row, what, "no name")
            return None
        self.rows[self.names[name]] = row
        question: dict[str, Any] = {
            "id": self.names[name],
            "text": self.text(record, "label") or name,
            "type": qtype,
        }
        hint = self.text(record, "hint")
        if hint:
            question["help"] = hint
        if options is not None:
            question["options"] = [dict(o) for o in options]
        if kind == "integer":
            question["integer"] = True
        if record.get("choice_filter"):
            self.lose(row, what, "choice_filter not converted: every option is offered")
        if qtype == "calculated":
            formula = self.expression(record, "calculation", what)
            if formula is None:
                if not record.get("calculation"):
                    self.lose(row, what, "no calculation")
                return None
            question["formula"] = formula
            return question
        required = record.get("required")
        if required is not None:
            flag = _truthy(required)
            if flag is None:
                when = self.expression(record, "required", what)
                if when:
                    question["required_when"] = when
            elif flag:
                question["required"] = True
        when = self.expression(record, "relevant", what)
        if when:
            question["when"] = when
        constraint = self.expression(record, "constraint", what)
        if constraint:
            question["constraint"] = constraint
            message = self.text(record, "constraint_message")
            if message:
                question["constraint_message"] = message
        if record.get("default") is not None:
            self.lose(row, what, "default not converted: qualify never answers for the user")
        if _truthy(record.get("read_only")):
            self.lose(row, what, "read_only not converted: every question can be answered")
        return question


_DROPPABLE = ("when", "constraint", "required_when", "formula")
"""Fields that may be dropped (and listed) when qualify refuses them."""


def _check(doc: dict[str, Any], conv: _Converter) -> dict[str, Any]:
    """Drop what qualify refuses (a condition that looks at a later question, say) until
    the set loads, listing each drop with its survey row."""
    for _ in range(50):
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        qs, problems = parse_question_set(text, "converted.yaml")
        errors = [p for p in problems if p.severity == "error"]
        if qs is not None and not errors:
            return doc
        if not _drop(doc, text, errors[0], conv):
            raise ConversionError(f"the converted set does not load: {errors[0].message}")
    raise ConversionError("the converted set does not load after removing what qualify refuses")


def _drop(doc: dict[str, Any], text: str, error: Any, conv: _Converter) -> bool:
    """Remove the condition or formula the error is about; False when it is about
    something else (then the conversion itself is wrong)."""
    located = parse_yaml(text, "converted.yaml")
    for path, node in located.values.items():
        if not path or path[-1] not in _DROPPABLE or node.start_mark.line + 1 != error.line:
            continue
        owner: Any = doc
        for part in path[:-1]:
            owner = owner[part]
        field_name = path[-1]
        what = owner.get("id", "?")
        dropped = f"{what} {field_name} `{owner[field_name]}`"
        conv.lose(conv.rows.get(what, 0), dropped, error.message)
        del owner[field_name]
        if field_name == "formula":  # a calculated question without a formula is nothing
            section = doc["sections"][path[1]]
            section["questions"].remove(owner)
            if not section["questions"]:
                doc["sections"].remove(section)
        return True
    return False


def convert_xlsform(path: Path, *, language: str | None = None) -> Conversion:
    """Read an XLSForm and return the question set as YAML, with everything left out."""
    path = Path(path)
    sheets = _sheets(path)
    languages = _languages(sheets)
    settings = (sheets.get("settings") or [{}])[0]
    chosen = language or str(settings.get("default_language") or "").strip() or None
    if chosen is None and languages:
        chosen = languages[0]
    lost_languages: list[str] = []
    codes: dict[str, str] = {}
    if len(languages) > 1:
        known = {lang: _code(lang) for lang in languages}
        lost_languages = [lang for lang, code in known.items() if code is None]
        ordered = sorted(
            (lang for lang, code in known.items() if code is not None),
            key=lambda lang: lang not in (chosen, known.get(chosen or "")),
        )
        found = {lang: known[lang] for lang in ordered}
        if len(set(found.values())) == len(found) > 1:
            codes = {lang: code for lang, code in found.items() if code is not None}
    conv = _Converter(sheets, chosen, codes)
    for lang in lost_languages:
        reason = "not a language qualify can name (use a column such as `label::Deutsch (de)`)"
        conv.lose(1, f"labels in {lang}", reason)
    doc = conv.run()
    if not doc["sections"]:
        raise ConversionError(f"{path}: the survey asks no question qualify can ask")
    if conv.codes:
        doc = {
            **{k: doc[k] for k in ("id", "title", "version")},
            "languages": list(conv.codes.values()),
            **doc,
        }
    else:
        others = [lang for lang in languages if lang != chosen and languages]
        if others:
            conv.lose(1, f"labels in {', '.join(others)}", f"only {chosen} is kept")
    doc = _check(doc, conv)
    header = [
        f"# Converted from {path.name} by `qualify convert` on {date.today().isoformat()}.",
        "# Scores, weights and bands are not part of an XLSForm: add them before relying",
        "# on the score (docs/questionnaire-format.md).",
    ]
    if conv.lost:
        header.append("# Not converted:")
        header += [f"#   - {lost}" for lost in conv.lost]
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return Conversion(doc["id"], "\n".join(header) + "\n" + body, conv.lost)
