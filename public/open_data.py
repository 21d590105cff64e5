"""The open data files: what each contains, its columns, and its rows.

Only published data: deliverables of published plans, and published updates of them. Each
row carries stable identifiers so the files join: "force" (the force's slug), "id" /
"deliverable_id" (the deliverable's number) and quarters written "2024-Q2". The
"/data/" page documents the columns from these same definitions, so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.db.models import OuterRef, Subquery

from actions.models import Deliverable, QuarterlyUpdate, Status
from actions.progress import DISPLAY_ORDER
from actions.reporting import latest_quarter_reported_by_force
from engagement.models import Activity, EngagementAction, Kind, Theme
from indicators.figures import StopSearchFigures
from indicators.models import Ethnicity, Measure, MonthlyGroup, MonthlyStopSearchCount
from panels.models import PanelView
from plans.models import Force, Plan
from plans.quarters import Quarter

CHUNK_SIZE = 500
LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
STATUS_VALUES = ", ".join(Status.values)
# The forces file has a column per status, in DISPLAY_ORDER.
STATUS_COLUMN_NOTES = {
    "complete": "How many of them are complete.",
    "on_track": "How many are on track.",
    "at_risk": "How many are at risk.",
    "off_track": "How many are off track.",
    "not_started": "How many are not started (including never reported).",
}


QUARTER = {"pattern": r"[0-9]{4}-Q[1-4]"}
SLUG = {"pattern": r"[a-z0-9]+(-[a-z0-9]+)*"}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, what it means, and its Table Schema type and constraints
    (https://specs.frictionlessdata.io/table-schema/), published in ``datapackage.json``."""

    name: str
    meaning: str
    type: str = "string"
    constraints: dict | None = None

    def schema_field(self) -> dict:
        field = {"name": self.name, "type": self.type, "description": self.meaning}
        if self.type == "string" and self.name == "url":
            field["format"] = "uri"
        if self.constraints:
            field["constraints"] = self.constraints
        return field


@dataclass(frozen=True, slots=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[str, dt.date], Iterator[tuple]]  # (site address, today)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other dataset, its column)
    # Where the figures come from, for files of official statistics: shown on /data/, in the
    # JSON file and in datapackage.json.
    credit: str = ""
    sources: tuple[dict, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def filename(self, fmt: str) -> str:
        return f"{self.slug}.{fmt}"


def _force_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    current_plan = Plan.objects.published().filter(force=OuterRef("pk")).current()
    forces = Force.objects.annotate(
        plan_title=Subquery(current_plan.values("title")[:1]),
        plan_first_quarter=Subquery(current_plan.values("first_quarter")[:1]),
        plan_last_quarter=Subquery(current_plan.values("last_quarter")[:1]),
    ).order_by("slug")
    # Counts by status and re-planning counts in one grouped query, latest quarters in another.
    progress = {
        row["plan__force"]: row
        for row in Deliverable.objects.on_public_roadmaps().status_counts_by(
            "plan__force", today=today
        )
    }
    latest = latest_quarter_reported_by_force()
    for force in forces:
        row = progress.get(force.pk, {})
        tally = row.get("counts")
        total = tally.total if tally else 0
        yield (
            force.slug,
            force.name,
            force.region,
            force.country,
            force.website,
            force.plan_title is not None,
            force.plan_title,
            force.plan_first_quarter,
            force.plan_last_quarter,
            total,
            *(getattr(tally, status) if tally else 0 for status in DISPLAY_ORDER),
            tally.percent_complete if total else None,
            row.get("replanned", 0),
            row.get("overdue", 0),
            row.get("past_original_due", 0),
            latest.get(force.pk),
            f"{site_url}/forces/{force.slug}/",
        )


def _deliverable_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """One query whatever the number of rows, read in chunks: a row per deliverable and
    national action it serves (one with no code if it serves none), in order, so each
    deliverable's rows arrive together and are joined into one line as they stream."""
    rows = (
        Deliverable.objects.public()
        .with_current_status()
        .order_by("plan__force__slug", "pk", "national_actions__code")
        .values_list(
            "pk",
            "plan__force__slug",
            "workstream__slug",
            "reference",
            "title",
            "description",
            "lead",
            "start_quarter",
            "due_quarter",
            "national_actions__code",
            "current_status",
            "current_quarter",
            "withdrawn_at",
            "withdrawn_reason",
            "first_published_at",
            "original_start_quarter",
            "original_due_quarter",
        )
    )
    for pk, same in groupby(rows.iterator(chunk_size=CHUNK_SIZE), key=itemgetter(0)):
        first, *others = same
        codes = [row[9] for row in (first, *others) if row[9] is not None]
        slug = first[1]
        yield (
            *first[:9],
            ";".join(codes),
            *first[10:],
            f"{site_url}/forces/{slug}/deliverables/{pk}/",
        )


def _update_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    updates = (
        QuarterlyUpdate.objects.public()
        .values_list(
            "deliverable_id",
            "deliverable__plan__force__slug",
            "quarter",
            "status",
            "done",
            "next",
            "evidence",
            "published_at",
            "corrected_at",
        )
        .order_by("deliverable__plan__force__slug", "deliverable_id", "quarter")
    )
    yield from updates.iterator(chunk_size=CHUNK_SIZE)


FORCES = Dataset(
    slug="forces",
    title="Forces",
    description=(
        "One row for each of the 44 forces, with its published plan and the status of its "
        "deliverables (withdrawn deliverables are not counted)."
    ),
    columns=(
        Column(
            "slug",
            "Stable identifier of the force, as in its web address; 'force' in the other files.",
            constraints={"required": True, "unique": True, **SLUG},
        ),
        Column("name", "Name of the force."),
        Column("region", "Region of England, or Wales."),
        Column("country", "England, Wales or Great Britain (British Transport Police)."),
        Column("website", "The force's own website."),
        Column("has_published_plan", "true if the force has a published plan.", type="boolean"),
        Column("plan_title", "Title of its current published plan (empty if none)."),
        Column(
            "plan_first_quarter",
            "First quarter the plan covers, e.g. 2024-Q1.",
            constraints=QUARTER,
        ),
        Column("plan_last_quarter", "Last quarter the plan covers.", constraints=QUARTER),
        Column(
            "deliverables",
            "Number of deliverables in its current published plan, not withdrawn.",
            type="integer",
            constraints={"minimum": 0},
        ),
        *(
            Column(status, STATUS_COLUMN_NOTES[status], type="integer", constraints={"minimum": 0})
            for status in DISPLAY_ORDER
        ),
        Column(
            "percent_complete",
            "complete as a whole percentage of deliverables (empty when there are none).",
            type="integer",
            constraints={"minimum": 0, "maximum": 100},
        ),
        Column(
            "replanned",
            "How many of them were re-planned: their start or due quarter is not the one "
            "first published.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "overdue",
            "How many are past their due quarter and not complete, on the day of the download.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "past_original_due",
            "How many are past the due quarter first published and not complete (even if "
            "re-planned to a later quarter), on the day of the download.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "latest_quarter_reported",
            "Newest quarter with a published update.",
            constraints=QUARTER,
        ),
        Column("url", "The force's roadmap on this site."),
    ),
    rows=_force_rows,
    primary_key=("slug",),
)

DELIVERABLES = Dataset(
    slug="deliverables",
    title="Deliverables",
    description=(
        "Every deliverable in a published plan, including withdrawn ones with the reason, "
        "with its current status."
    ),
    columns=(
        Column(
            "id",
            "Stable identifier of the deliverable; 'deliverable_id' in updates.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "force",
            "Slug of the force (joins to 'slug' in forces).",
            constraints={"required": True, **SLUG},
        ),
        Column(
            "workstream",
            "represented, not-over-policed, involved or not-under-protected.",
            constraints={
                "enum": ["represented", "not-over-policed", "involved", "not-under-protected"]
            },
        ),
        Column("reference", "The force's own code for the deliverable, if it has one."),
        Column("title", "Short title, as on the roadmap."),
        Column("description", "What the force will do."),
        Column("lead", "Accountable lead (a role, not a person)."),
        Column(
            "start_quarter",
            "Quarter the work starts, e.g. 2024-Q2 (July-September 2024).",
            constraints=QUARTER,
        ),
        Column("due_quarter", "Quarter it is due.", constraints=QUARTER),
        Column(
            "national_actions",
            "Codes of the national actions it serves, separated by semicolons, e.g. R1;P2.",
        ),
        Column(
            "status",
            f"Status of its latest published update, or not_started: one of {STATUS_VALUES}.",
            constraints={"enum": list(Status.values)},
        ),
        Column(
            "status_quarter",
            "Quarter of that update (empty if never reported).",
            constraints=QUARTER,
        ),
        Column("withdrawn_on", "Date it was withdrawn (YYYY-MM-DD), empty if active.", type="date"),
        Column("withdrawn_reason", "Why it was withdrawn."),
        Column(
            "first_published_at",
            "When its commitment was first published (ISO 8601, UTC).",
            type="datetime",
        ),
        Column(
            "original_start_quarter",
            "Start quarter as first published; differs from start_quarter if re-planned.",
            constraints=QUARTER,
        ),
        Column(
            "original_due_quarter",
            "Due quarter as first published; differs from due_quarter if re-planned.",
            constraints=QUARTER,
        ),
        Column("url", "The deliverable's page on this site."),
    ),
    rows=_deliverable_rows,
    primary_key=("id",),
    foreign_keys=(("force", "forces", "slug"),),
)

UPDATES = Dataset(
    slug="updates",
    title="Quarterly updates",
    description=(
        "Every published quarterly update of a deliverable in a published plan. Drafts are "
        "never included."
    ),
    columns=(
        Column(
            "deliverable_id",
            "The deliverable reported on (joins to 'id' in deliverables).",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column("force", "Slug of the force.", constraints={"required": True, **SLUG}),
        Column(
            "quarter",
            "Quarter reported on, e.g. 2024-Q2. At most one update per deliverable per quarter.",
            constraints=QUARTER,
        ),
        Column("status", f"One of {STATUS_VALUES}.", constraints={"enum": list(Status.values)}),
        Column("done", "What was done."),
        Column("next", "What is next."),
        Column("evidence", "Evidence links, one web address per line."),
        Column("published_at", "When it was published (ISO 8601, UTC).", type="datetime"),
        Column(
            "corrected_at",
            "When it was last corrected after publication, if ever.",
            type="datetime",
        ),
    ),
    rows=_update_rows,
    primary_key=("deliverable_id", "quarter"),
    foreign_keys=(("deliverable_id", "deliverables", "id"), ("force", "forces", "slug")),
)


class Fixed(float):
    """A number written with four decimals in CSV (``2.5000``), a plain number in JSON."""

    def __str__(self) -> str:
        return f"{self:.4f}"


def _fixed(value: float | None) -> Fixed | None:
    return None if value is None else Fixed(round(value, 4))


STOP_SEARCH_CREDIT = (
    "Contains public sector information licensed under the Open Government Licence v3.0. "
    "Stop and search: Home Office, Police powers and procedures, 2020/21 to 2024/25. "
    "Populations: Office for National Statistics, Census 2021 and Census 2011."
)


def _stop_search_rate_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """Three queries, then every area, census, year and group (``indicators.figures``)."""
    for item, group in StopSearchFigures.load().every_row():
        ratio = group.ratio
        if group.is_reference and group.rate is not None:
            ratio_value = 1.0
        else:
            ratio_value = ratio.ratio if ratio else None
        yield (
            item.area.slug,
            item.year,
            item.census,
            group.ethnicity,
            group.searches,
            group.population,
            _fixed(group.rate),
            _fixed(ratio_value),
            _fixed(ratio.lower if ratio else None),
            _fixed(ratio.upper if ratio else None),
            "not-meaningful" if item.not_meaningful else _caution_code(group),
            f"Home Office stop and search {item.year}; ONS Census {item.census}; OGL v3.0",
        )


def _caution_code(group) -> str:
    if group.is_unknown:
        return "unknown"
    if group.is_reference:
        return ""
    if group.is_small:
        return "small-count"
    if group.needs_caution:
        return "wide-interval"
    return ""


STOP_SEARCH_RATES = Dataset(
    slug="stop-search-rates",
    title="Stop and search rates by ethnic group",
    description=(
        "Official figures, not data reported by forces: for each of the 43 territorial forces "
        "and England and Wales (the forces' total, excluding British Transport Police), each "
        "financial year from 2020/21 over Census 2021, and 2020/21 over Census 2011: stop and "
        "searches by self-defined ethnic group, residents, the rate per 1,000 and the ratio to "
        "the White rate with its 95% interval (log-normal approximation)."
    ),
    columns=(
        Column(
            "force",
            "Slug of the force (joins to 'slug' in forces), or england-and-wales.",
            constraints={"required": True, **SLUG},
        ),
        Column(
            "year",
            "Financial year, April to March, e.g. 2022/23.",
            constraints={"required": True, "pattern": r"[0-9]{4}/[0-9]{2}"},
        ),
        Column(
            "census",
            "The census the residents come from: 2021, or 2011 (given for 2020/21 only).",
            type="integer",
            constraints={"required": True, "enum": [2011, 2021]},
        ),
        Column(
            "ethnicity",
            "Self-defined ethnic group: Asian, Black, Mixed, Other or White.",
            constraints={"required": True, "enum": list(Ethnicity.values)},
        ),
        Column(
            "searches",
            "Stop and searches of people of the group in the year. Empty where the Home Office "
            "gives no figure (unknown, not zero).",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "population",
            "Residents of the group in the force area at the census.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "rate_per_1000",
            "searches / population x 1,000, to four decimals.",
            type="number",
            constraints={"minimum": 0},
        ),
        Column(
            "ratio_to_white",
            "rate_per_1000 / the White rate_per_1000 of the same force, year and census (1 for "
            "White).",
            type="number",
            constraints={"minimum": 0},
        ),
        Column(
            "ratio_lower_95",
            "Lower end of the ratio's 95% interval: ratio x exp(-1.96 x sqrt(1/searches + "
            "1/White searches)). Empty for White, and where there were no searches.",
            type="number",
            constraints={"minimum": 0},
        ),
        Column(
            "ratio_upper_95",
            "Upper end of the ratio's 95% interval: ratio x exp(+1.96 x sqrt(...)).",
            type="number",
            constraints={"minimum": 0},
        ),
        Column(
            "caution",
            "not-meaningful (City of London: few residents, many visitors), small-count "
            "(fewer than 20 searches), wide-interval (upper end more than twice the lower), "
            "unknown (no count), or empty.",
            constraints={"enum": ["", "not-meaningful", "small-count", "wide-interval", "unknown"]},
        ),
        Column("source", "Where the row's figures come from, and the licence."),
    ),
    rows=_stop_search_rate_rows,
    primary_key=("force", "year", "census", "ethnicity"),
    credit=STOP_SEARCH_CREDIT,
    sources=(
        {
            "title": "Home Office: Police powers and procedures, stop and search, 2020/21 to "
            "2024/25",
            "path": "https://www.gov.uk/government/collections/police-powers-and-procedures-england-and-wales",
        },
        {
            "title": "Office for National Statistics: Census 2021 (TS021) and Census 2011 "
            "(QS201EW), ethnic group by police force area",
            "path": "https://www.ons.gov.uk/census",
        },
    ),
)


def _stop_searches_by_quarter_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """One query, streamed: the loaded months summed by force and quarter."""
    for count in MonthlyStopSearchCount.objects.by_quarter():
        yield (
            count.force_slug,
            count.quarter.compact,
            count.measure,
            count.ethnicity,
            count.searches,
            count.months,
        )


STOP_SEARCHES_BY_QUARTER = Dataset(
    slug="stop-searches-by-quarter",
    title="Stop and searches by quarter and ethnic group",
    description=(
        "Official records, not data reported by forces: the stop and searches in each force's "
        "monthly files on data.police.uk, counted by police financial-year quarter and by "
        "ethnic group twice, as the person defined it and as the officer recorded it. Searches "
        "with no group given are counted as Not stated. A quarter appears once a month of it "
        "is loaded; the months column says how many of its three are."
    ),
    columns=(
        Column(
            "force",
            "Slug of the force (joins to 'slug' in forces).",
            constraints={"required": True, **SLUG},
        ),
        Column(
            "quarter",
            "Police financial-year quarter, e.g. 2018-Q4 (January to March 2019).",
            constraints={"required": True, **QUARTER},
        ),
        Column(
            "measure",
            "self-defined (the group the person gave) or officer-defined (the group the "
            "officer recorded).",
            constraints={"required": True, "enum": list(Measure.values)},
        ),
        Column(
            "ethnicity",
            "Asian, Black, Mixed, Other, White, or Not stated (no group given, or the person "
            "did not state one).",
            constraints={"required": True, "enum": list(MonthlyGroup.values)},
        ),
        Column(
            "searches",
            "Stop and searches in the quarter's loaded months (0 where there were none).",
            type="integer",
            constraints={"required": True, "minimum": 0},
        ),
        Column(
            "months",
            "How many of the quarter's three months are loaded: fewer than 3 is part of a quarter.",
            type="integer",
            constraints={"required": True, "minimum": 1, "maximum": 3},
        ),
    ),
    rows=_stop_searches_by_quarter_rows,
    primary_key=("force", "quarter", "measure", "ethnicity"),
    foreign_keys=(("force", "forces", "slug"),),
    credit=(
        "Contains public sector information licensed under the Open Government Licence v3.0. "
        "Stop and search: data.police.uk, the forces' monthly stop and search files."
    ),
    sources=(
        {
            "title": "data.police.uk: stop and search data by force and month",
            "path": "https://data.police.uk/data/",
        },
    ),
)


def _engagement_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """Published activities only; never the staff-only partner contacts."""
    activities = (
        Activity.objects.published()
        .order_by("force__slug", "held_on", "pk")
        .values_list(
            "pk",
            "force__slug",
            "held_on",
            "kind",
            "title",
            "place",
            "partners",
            "attendance",
            "attendance_basis",
            "attendance_black",
            "themes",
            "other_themes",
            "heard",
            "published_at",
        )
    )
    for row in activities.iterator(chunk_size=CHUNK_SIZE):
        pk, slug, held_on, *middle, themes, other, heard, published_at = row
        kind, title, place, partners, attendance, basis, black = middle
        yield (
            pk,
            slug,
            held_on,
            Quarter.containing(held_on),
            kind,
            title,
            place,
            ";".join(line.strip() for line in partners.splitlines() if line.strip()),
            attendance,
            basis if attendance is not None else None,
            black,
            ";".join(themes or []),
            other,
            heard,
            published_at,
            f"{site_url}/forces/{slug}/engagement/#activity-{pk}",
        )


def _engagement_action_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """Actions of published activities; a deliverable only when its plan is public."""
    actions = (
        EngagementAction.objects.public()
        .order_by("activity__force__slug", "activity_id", "order", "pk")
        .values_list(
            "pk",
            "activity_id",
            "activity__force__slug",
            "theme",
            "description",
            "deliverable_id",
            "deliverable__plan__is_published",
            "no_action_reason",
            "due_quarter",
            "outcome",
            "done_on",
        )
    )
    for row in actions.iterator(chunk_size=CHUNK_SIZE):
        pk, activity, slug, theme, description, deliverable, public, *rest = row
        reason, due, outcome, done_on = rest
        yield (
            pk,
            activity,
            slug,
            theme,
            description,
            deliverable if public else None,
            reason,
            due,
            outcome,
            done_on,
        )


ENGAGEMENT = Dataset(
    slug="engagement",
    title="Engagement activities (you said, we did)",
    description=(
        "Every published engagement activity of a force: when, what kind, who with, how many "
        "took part, the themes raised and what the force heard. Drafts are never included, "
        "and nothing identifies a member of the public."
    ),
    columns=(
        Column(
            "id",
            "Stable identifier of the activity; 'activity_id' in engagement-actions.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column("force", "Slug of the force.", constraints={"required": True, **SLUG}),
        Column("date", "Date it was held (YYYY-MM-DD).", type="date"),
        Column("quarter", "Quarter it was held in, e.g. 2025-Q2.", constraints=QUARTER),
        Column(
            "kind",
            "Kind of activity: one of " + ", ".join(Kind.values) + ".",
            constraints={"enum": list(Kind.values)},
        ),
        Column("title", "Name of the activity."),
        Column("place", "Place or area."),
        Column("partners", "Partner organisations and community groups, separated by semicolons."),
        Column(
            "attendance",
            "How many people took part (empty if not known).",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "attendance_basis",
            "count or estimate: how the number was arrived at.",
            constraints={"enum": ["count", "estimate"]},
        ),
        Column(
            "attendance_black",
            "Of whom from Black communities (empty if not recorded).",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "themes",
            "Themes raised, separated by semicolons: " + ", ".join(Theme.values) + ".",
        ),
        Column("other_themes", "Other themes raised, in the force's words."),
        Column("heard", "What the force heard (you said)."),
        Column("published_at", "When it was published (ISO 8601, UTC).", type="datetime"),
        Column("url", 'The activity on the force\'s "You said, we did" page.'),
    ),
    rows=_engagement_rows,
    primary_key=("id",),
    foreign_keys=(("force", "forces", "slug"),),
)

ENGAGEMENT_ACTIONS = Dataset(
    slug="engagement-actions",
    title="Engagement actions (we did)",
    description=(
        "What each force will do about what it heard at a published activity: linked to a "
        "deliverable of its plan, or no action with the reason; when it is due and what was done."
    ),
    columns=(
        Column(
            "id", "Stable identifier of the action.", type="integer", constraints={"minimum": 0}
        ),
        Column(
            "activity_id",
            "The activity (joins to 'id' in engagement).",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column("force", "Slug of the force.", constraints={"required": True, **SLUG}),
        Column("theme", "The theme it answers, if one: one of the themes in engagement."),
        Column("description", "What the force will do."),
        Column(
            "deliverable_id",
            "The deliverable it is part of (joins to 'id' in deliverables); empty for no "
            "action, or while the deliverable's plan is not published.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column("no_action_reason", "Why the force will not act on this (empty for an action)."),
        Column("due_quarter", "Quarter it is due, e.g. 2025-Q3.", constraints=QUARTER),
        Column("outcome", "What was done."),
        Column("done_on", "Date it was done (YYYY-MM-DD), empty until then.", type="date"),
    ),
    rows=_engagement_action_rows,
    primary_key=("id",),
    foreign_keys=(("activity_id", "engagement", "id"), ("force", "forces", "slug")),
)


def _panel_view_rows(site_url: str, today: dt.date) -> Iterator[tuple]:
    """Published panel views with the force's reply; a withdrawn view keeps only the date and
    the reason for its withdrawal."""
    views = (
        PanelView.objects.published()
        .select_related("panel", "force", "reply")
        .order_by("force__slug", "quarter", "deliverable_id", "pk")
    )
    for view in views.iterator(chunk_size=CHUNK_SIZE):
        withdrawn = view.is_withdrawn
        reply = getattr(view, "reply", None)
        if view.deliverable_id:
            url = (
                f"{site_url}/forces/{view.force.slug}/deliverables/{view.deliverable_id}/"
                f"#update-{view.quarter.compact}"
            )
        else:
            url = f"{site_url}/forces/{view.force.slug}/panel/#quarter-{view.quarter.compact}"
        yield (
            view.pk,
            view.force.slug,
            view.panel.name,
            view.quarter,
            view.deliverable_id,
            "" if withdrawn else view.verdict,
            "" if withdrawn else view.reasons,
            "" if withdrawn else "; ".join(view.evidence_links),
            view.published_at,
            view.withdrawn_at,
            view.withdrawn_reason if withdrawn else "",
            reply.text if reply and not withdrawn else "",
            reply.published_at if reply and not withdrawn else None,
            url,
        )


PANEL_VIEWS = Dataset(
    slug="panel-views",
    title="Scrutiny panel views and the forces' replies",
    description=(
        "Every published view of an independent scrutiny panel on a force's quarterly return "
        "(no deliverable: a statement on the whole return) or on one deliverable's update, "
        "with the force's reply. Drafts are never included; a withdrawn view keeps only the "
        "date and reason of its withdrawal."
    ),
    columns=(
        Column("id", "Stable identifier of the view.", type="integer", constraints={"minimum": 0}),
        Column("force", "Slug of the force.", constraints={"required": True, **SLUG}),
        Column("panel", "Name of the panel."),
        Column("quarter", "Quarter of the return, e.g. 2025-Q2.", constraints=QUARTER),
        Column(
            "deliverable_id",
            "The deliverable (joins to 'id' in deliverables); empty for a statement on the "
            "whole return.",
            type="integer",
            constraints={"minimum": 0},
        ),
        Column(
            "verdict",
            "agree, some_concerns or disagree; empty once withdrawn.",
            constraints={"enum": ["agree", "some_concerns", "disagree"]},
        ),
        Column("reasons", "The panel's reasons."),
        Column("evidence", "The panel's evidence links, separated by semicolons."),
        Column("published_at", "When it was published (ISO 8601, UTC).", type="datetime"),
        Column(
            "withdrawn_at",
            "When an administrator withdrew it (ISO 8601, UTC); empty if it stands.",
            type="datetime",
        ),
        Column("withdrawn_reason", "Why it was withdrawn."),
        Column("reply", "The force's reply, if it has replied."),
        Column("reply_published_at", "When the reply was published.", type="datetime"),
        Column("url", "The view on the public site."),
    ),
    rows=_panel_view_rows,
    primary_key=("id",),
    foreign_keys=(("force", "forces", "slug"),),
)

DATASETS = {
    dataset.slug: dataset
    for dataset in (
        FORCES,
        DELIVERABLES,
        UPDATES,
        STOP_SEARCH_RATES,
        STOP_SEARCHES_BY_QUARTER,
        ENGAGEMENT,
        ENGAGEMENT_ACTIONS,
        PANEL_VIEWS,
    )
}


def data_package(site_url: str) -> dict:
    """The Frictionless Data Package (https://specs.frictionlessdata.io/data-package/) that
    describes every CSV file on ``/data/``: each column's name, type, constraints and meaning,
    the keys that join the files, and the licence. Built from the same definitions as the
    files and the ``/data/`` page, so the three cannot drift apart."""
    licence = {"name": "OGL-UK-3.0", "path": LICENCE["url"], "title": LICENCE["name"]}
    resources = []
    for dataset in DATASETS.values():
        schema = {
            "fields": [column.schema_field() for column in dataset.columns],
            "missingValues": [""],
        }
        if dataset.primary_key:
            schema["primaryKey"] = list(dataset.primary_key)
        if dataset.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": column, "reference": {"resource": other, "fields": other_column}}
                for column, other, other_column in dataset.foreign_keys
            ]
        resources.append(
            {
                "name": dataset.slug,
                "path": dataset.filename("csv"),
                "title": dataset.title,
                "description": dataset.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
        if dataset.sources:
            resources[-1]["sources"] = list(dataset.sources)
            resources[-1]["licenses"] = [licence]
    return {
        "profile": "tabular-data-package",
        "name": "prap-tracker",
        "title": "Police Race Action Plan: force plans, deliverables, quarterly updates and "
        "engagement",
        "description": (
            "Published data only: every force, every deliverable of a published plan, every "
            "published quarterly update and every published engagement activity with its "
            "actions, and every published scrutiny panel view with the force's reply. "
            "Drafts are never included. With the official stop and search rates by "
            "ethnic group (Home Office and ONS figures)."
        ),
        "homepage": f"{site_url}/data/",
        "licenses": [licence],
        "resources": resources,
    }
