"""django-tables2 tables for the national comparison and the return tracker.

Every table renders with ``plans/govuk_table.html`` (GOV.UK table markup, sortable column
headers that say how they sort, a scrollable region on narrow screens) and downloads with
``public.downloads.table_response`` from the same rows in the same order.
"""

from __future__ import annotations

from html import escape as html_escape

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.data import TableListData
from django_tables2.rows import BoundRow
from django_tables2.utils import Accessor, AttributeDict, OrderBy, OrderByTuple, signature

from actions.progress import DISPLAY_ORDER, STATUS_LABELS
from indicators.models import Ethnicity

NUMERIC = {
    "th": {"class": "govuk-table__header govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell govuk-table__cell--numeric"},
}
OVERDUE = mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
TEXT = {"th": {"class": "govuk-table__header"}, "td": {"class": "govuk-table__cell"}}
NO_DELIVERABLES = mark_safe(
    '<span aria-hidden="true">&ndash;</span><span class="govuk-visually-hidden">none</span>'
)


class GovukTable(tables.Table):
    """Base table: GOV.UK markup, a caption, and the columns a download carries."""

    caption = ""

    class Meta:
        template_name = "plans/govuk_table.html"
        attrs = {"class": "govuk-table prap-table"}
        row_attrs = {"class": "govuk-table__row"}
        orderable = True

    @cached_property
    def body(self) -> list[tuple[BoundRow, SafeString]]:
        """``(row, cells)`` for each row, in order: ``cells`` is the row's cells as
        ``plans/govuk_table.html`` lays them out (the first a row header), each the same as
        django-tables2's ``BoundRow.items`` renders it. What django-tables2 works out again
        for every cell (the cell attributes, the render method's signature, the accessor's
        path) is worked out once per column here, which makes a table of a few thousand
        cells several times faster to render."""
        columns = [
            _ColumnCells(self, bound, header=index == 0) for index, bound in enumerate(self.columns)
        ]
        escaper = _Escaper()
        # Each cell escaped as a template variable is (render_value_in_context).
        return [
            (row, mark_safe("".join([column.html(row, escaper) for column in columns])))
            for row in self.rows
        ]

    def head(self, request) -> SafeString:
        """The header cells as ``plans/govuk_table.html`` lays them out: each column's
        heading, a link that sorts by it (the request's query string with the column's next
        ordering) and what that link does, worked out once per column."""
        context = Context()
        cells = []
        for column in self.columns:
            header = render_value_in_context(column.header, context)
            ordered = column.is_ordered
            descending = ordered and column.order_by_alias.is_descending
            direction = "descending" if descending else "ascending"
            sort = f' aria-sort="{direction}"' if ordered else ""
            if column.orderable:
                params = dict(request.GET)
                key = self.prefixed_order_by_field
                if key not in ("", None):
                    params[key] = column.order_by_alias.next
                href = escape("?" + urlencode(params, doseq=True))
                state = f" prap-sort--{direction}" if ordered else ""
                if not ordered:
                    hint = ", select to sort"
                elif descending:
                    hint = ", sorted high to low; select to sort low to high"
                else:
                    hint = ", sorted low to high; select to sort high to low"
                content = (
                    f'\n          <a class="govuk-link prap-sort{state}" href="{href}">{header}'
                    f'<span class="govuk-visually-hidden">{hint}</span></a>\n          '
                )
            else:
                content = header
            cells.append(
                f'\n        <th scope="col" {column.attrs["th"].as_html()}{sort}>\n'
                f"          {content}\n        </th>\n        "
            )
        return mark_safe("".join(cells))

    def export_columns(self) -> list[tuple[str, str]]:
        """``(name, header)`` of every column a download carries, hidden ones included."""
        return [
            (column.name, str(column.header))
            for column in self.columns.iterall()
            if not column.column.exclude_from_export
        ]


#: One cell in the table's markup, with the whitespace the template puts around it.
_CELL_START = _CELL_END = "\n        "
_CELL = _CELL_START + "{}" + _CELL_END


#: Rows whose cells are left to django-tables2: a model instance's (fields with choices,
#: related objects) and a dict's (whose keys may be whole accessors).
_DELEGATED_RECORDS = (models.Model, dict)


class _Escaper:
    """A cell's content as ``render_value_in_context`` writes it into a template (with
    autoescaping on), shortened for the values that most cells hold."""

    def __init__(self):
        self.context = Context()
        # A whole number shows as itself unless numbers are grouped in thousands.
        self.plain_numbers = not settings.USE_THOUSAND_SEPARATOR

    def __call__(self, content) -> str:
        kind = type(content)
        if kind is SafeString:
            return content
        if kind is str:
            # What conditional_escape does to a string not marked safe.
            return html_escape(content)
        if kind is int and self.plain_numbers:
            return str(content)
        return render_value_in_context(content, self.context)


class _ColumnCells:
    """The cells of one column of a :class:`GovukTable`, rendered as django-tables2's
    ``BoundRow.get_cell`` renders them and with the attributes ``BoundColumn.attrs`` gives
    them. Cells it treats specially (a model instance's field with choices to display, any
    cell of a model instance row, links, many-to-many values) are left to django-tables2."""

    def __init__(self, table, bound, *, header: bool = False):
        self.table = table
        self.bound = bound
        self.column = bound.column
        self.render = bound.render
        self.accessor = Accessor(bound.accessor)
        self.path = self.accessor.bits[:-1]
        self.last = self.accessor.bits[-1] if self.accessor.bits else None
        self.default = bound.default
        self.empty_values = self.column.empty_values
        self.delegated = (
            bool(bound.link)
            or isinstance(self.column, BaseLinkColumn | ManyToManyColumn)
            or self.last is None
        )
        arguments, catch_all = signature(self.render)
        self.arguments = None if catch_all else arguments
        self.value_only = self.arguments == ("value",)
        # Column.render gives the value back as it is.
        self.plain = getattr(self.render, "__func__", None) is tables.Column.render
        self.displayed: dict[tuple[type, type], bool] = {}
        attrs = {**table.attrs, **self.column.attrs}
        td = attrs.get("td", attrs.get("cell", {}))
        self.computed = _ComputedAttrs.of(bound, td)
        self.attrs = None if self.computed else bound.attrs["td"].as_html()
        opening, closing = ('<th scope="row" {}>', "</th>") if header else ("<td {}>", "</td>")
        self.markup = _CELL.format(opening + "{}" + closing)
        # The markup before and after the content, when the attributes are the same for
        # every cell.
        if self.attrs is not None:
            self.before = _CELL_START + opening.format(self.attrs)
            self.after = closing + _CELL_END

    def html(self, row, escape: _Escaper) -> str:
        """The cell in the table's markup."""
        if self.attrs is not None:
            return self.before + escape(self._content(row)) + self.after
        content, attrs = self.cell(row)
        return self.markup.format(attrs, escape(content))

    def cell(self, row) -> tuple[object, str]:
        """The cell's content and its attributes as HTML."""
        content = self._content(row)
        if self.attrs is not None:
            return content, self.attrs
        if self.computed is not None:
            return content, self.computed.as_html(row.record, content)
        self.bound.current_value = content
        self.bound.current_record = row.record
        return content, self.bound.attrs["td"].as_html()

    def _content(self, row):
        record = row.record
        if self.delegated or isinstance(record, _DELEGATED_RECORDS):
            return row.get_cell(self.bound.name)
        # The accessor's path, resolved once (django-tables2 resolves the path to the last
        # step, then the whole accessor again): a step it cannot take leaves the value
        # empty, as it does.
        try:
            penultimate = record
            for bit in self.path:
                penultimate = _step(penultimate, bit, self.accessor)
                if penultimate is None:
                    break
        except Exception:  # as django-tables2: a value it cannot reach is empty
            penultimate = value = None
        else:
            if penultimate is None:
                value = None
            elif isinstance(penultimate, models.Model) and self._displayed(record, penultimate):
                return row.get_cell(self.bound.name)
            else:
                try:
                    value = _step(penultimate, self.last, self.accessor)
                except Exception:  # as django-tables2
                    value = None
        if value in self.empty_values:
            return self.default
        if self.plain:
            return value
        if self.value_only:
            return self.render(value=value)
        kwargs = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound,
            "bound_row": row,
            "table": self.table,
        }
        if self.arguments is not None:
            if any(name not in kwargs for name in self.arguments):
                return None
            kwargs = {name: kwargs[name] for name in self.arguments}
        return self.render(**kwargs)

    def _displayed(self, record, instance: models.Model) -> bool:
        """Whether django-tables2 shows the value through the model's ``get_FOO_display``
        (a field with choices): the same for every record and instance of the same types."""
        key = (type(record), type(instance))
        if key not in self.displayed:
            try:
                field = self.accessor.get_field(record)
            except FieldDoesNotExist:
                field = None
            display = getattr(instance, f"get_{self.last}_display", None)
            self.displayed[key] = bool(getattr(field, "choices", ()) and display)
        return self.displayed[key]


#: Whether ``value[key]`` may work for a value of each type met: ``_step`` asks for every cell.
_SUBSCRIPTABLE: dict[type, bool] = {}


def _step(current, bit: str, accessor: Accessor):
    """One step of ``Accessor.resolve``: ``current[bit]``, else ``current.bit``, else
    ``current[int(bit)]``; called if callable (unless it alters data)."""
    kind = type(current)
    subscriptable = _SUBSCRIPTABLE.get(kind)
    if subscriptable is None:
        # Without __getitem__ (and not a class) ``current[bit]`` can only raise TypeError.
        subscriptable = _SUBSCRIPTABLE[kind] = hasattr(kind, "__getitem__") or issubclass(
            kind, type
        )
    if subscriptable:
        try:
            current = current[bit]
        except (TypeError, AttributeError, KeyError):
            current = _attribute_or_index(current, bit, accessor)
    else:
        current = _attribute_or_index(current, bit, accessor)
    if callable(current):
        if getattr(current, "alters_data", False):
            raise ValueError(accessor.ALTERS_DATA_ERROR_FMT.format(method=current.__name__))
        if not getattr(current, "do_not_call_in_templates", False):
            current = current(*accessor.callable_args, **accessor.callable_kwargs)
    return current


def _attribute_or_index(current, bit: str, accessor: Accessor):
    try:
        return getattr(current, bit)
    except (TypeError, AttributeError):
        try:
            return current[int(bit)]
        except (IndexError, ValueError, KeyError, TypeError):
            raise ValueError(f"Failed lookup for key [{bit}] in {accessor}") from None


class _ComputedAttrs:
    """A column's cell attributes when some are worked out from the record (callables),
    as ``BoundColumn.attrs["td"].as_html()`` gives them: the callables are called for each
    cell as django-tables2 calls them, and the HTML for each distinct set of their results
    is built once."""

    def __init__(self, bound, td: dict):
        self.bound = bound
        self.td = td
        self.callables = [
            (key, value, *signature(value)) for key, value in td.items() if callable(value)
        ]
        self.html: dict[tuple, str] = {}

    @classmethod
    def of(cls, bound, td: dict) -> _ComputedAttrs | None:
        """For attributes with callables among them; not for nested attributes (a value
        that is itself a dict), which django-tables2 works out a level further down."""
        if not any(callable(value) for value in td.values()):
            return None
        if any(isinstance(value, dict) for value in td.values()):
            return None
        return cls(bound, td)

    def as_html(self, record, content) -> str:
        kwargs = {"table": self.bound._table, "bound_column": self.bound}
        # BoundColumn.attrs passes the record and the cell's content only when both are set.
        if record is not None and content is not None:
            kwargs["record"] = record
            kwargs["value"] = content
        results = tuple(
            self._call(function, arguments, catch_all, kwargs)
            for _, function, arguments, catch_all in self.callables
        )
        try:
            return self.html[results]
        except KeyError:
            pass
        except TypeError:  # a result that cannot be a key: worked out every time
            return self._as_html(results)
        if any(callable(result) for result in results):
            return self._as_html(results)
        html = self.html[results] = self._as_html(results)
        return html

    @staticmethod
    def _call(function, arguments, catch_all, kwargs):
        """``call_with_appropriate`` with the signature worked out once."""
        if catch_all:
            return function(**kwargs)
        if any(name not in kwargs for name in arguments):
            return None
        return function(**{name: kwargs[name] for name in arguments})

    def _as_html(self, results: tuple) -> str:
        computed = dict(zip((key for key, *_ in self.callables), results, strict=True))
        attrs = AttributeDict({key: computed.get(key, value) for key, value in self.td.items()})
        attrs["class"] = self.bound.get_td_class(attrs)
        return attrs.as_html()


def _localized(number) -> str:
    """``localize(number)``: a whole number is itself unless numbers are grouped."""
    if type(number) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(number)
    return localize(number)


def _percent(value) -> str:
    return "" if value is None else f"{value}%"


class ForceColumn(tables.Column):
    """The force's name, linking to its roadmap; the name alone in downloads."""

    def render(self, value, record):
        slug = conditional_escape(record.force.slug)
        # format_html, without its per-call overhead (a cell in every row).
        return mark_safe(
            f'<a class="govuk-link" href="/forces/{slug}/">{conditional_escape(value)}</a>'
        )

    def value(self, value):
        return value


class HeatColumn(tables.Column):
    """Share complete under one workstream: the number, with colour as a second cue."""

    def __init__(self, workstream, **kwargs):
        self.workstream = workstream
        slug = workstream.slug
        super().__init__(
            accessor=f"share_by_workstream__{slug}",
            verbose_name=workstream.name,
            default=NO_DELIVERABLES,
            attrs={
                "th": {"class": "govuk-table__header govuk-table__header--numeric"},
                "td": {
                    "class": lambda record: (
                        "govuk-table__cell govuk-table__cell--numeric prap-heat "
                        f"prap-heat--{_band_name(record.band_by_workstream[slug])}"
                    )
                },
            },
            **kwargs,
        )

    def render(self, value):
        return _percent(value)

    def value(self, value):
        return value


class StatusBarColumn(tables.Column):
    """A record's ``counts`` as a stacked bar in SVG (its ``bar`` segments), named by its
    counts in words; "No deliverables" when there are none."""

    empty_values = ()

    def render(self, record):
        if not record.counts.total:
            return NO_DELIVERABLES_BAR
        segments = record.bar
        label = ", ".join(f"{_localized(s.count)} {s.label.lower()}" for s in segments)
        # As format_html and format_html_join would write it, without their per-call
        # overhead (a bar in every row): x and width are numbers, which need no escaping.
        rects = "".join(
            f'<rect class="prap-fill--{conditional_escape(s.status)}" x="{s.x}" y="0" '
            f'width="{s.width}" height="10"></rect>'
            for s in segments
        )
        return mark_safe(
            '<svg class="prap-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{conditional_escape(label)}" focusable="false">{rects}</svg>\n'
        )


NO_DELIVERABLES_BAR = mark_safe('<span class="govuk-body-s prap-muted">No deliverables</span>\n')


def _band_name(band: int | None) -> str:
    return "none" if band is None else str(band)


class NationalTable(GovukTable):
    """One row per force: ``actions.comparison.ForceComparison`` records."""

    force = ForceColumn(accessor="force__name", verbose_name="Force", attrs=TEXT)
    slug = tables.Column(accessor="force__slug", verbose_name="Force id", visible=False)
    region = tables.Column(accessor="force__region", attrs=TEXT)
    country = tables.Column(accessor="force__country", visible=False)
    deliverables = tables.Column(accessor="counts__total", attrs=NUMERIC)
    # One column per status, named after it (placed in DISPLAY_ORDER by Meta.sequence).
    complete = tables.Column(accessor="counts__complete", attrs=NUMERIC)
    on_track = tables.Column(
        accessor="counts__on_track", verbose_name=STATUS_LABELS["on_track"], attrs=NUMERIC
    )
    at_risk = tables.Column(
        accessor="counts__at_risk", verbose_name=STATUS_LABELS["at_risk"], attrs=NUMERIC
    )
    off_track = tables.Column(
        accessor="counts__off_track", verbose_name=STATUS_LABELS["off_track"], attrs=NUMERIC
    )
    not_started = tables.Column(
        accessor="counts__not_started", verbose_name=STATUS_LABELS["not_started"], attrs=NUMERIC
    )
    percent_complete = tables.Column(
        verbose_name="Share complete", attrs=NUMERIC, default=NO_DELIVERABLES
    )
    status_mix = StatusBarColumn(
        accessor="counts",
        verbose_name="Status mix",
        orderable=False,
        exclude_from_export=True,
        attrs={"th": {"class": "govuk-table__header"}, "td": {"class": "govuk-table__cell"}},
    )
    latest_quarter = tables.Column(
        verbose_name="Latest quarter reported", attrs=TEXT, default="None published"
    )
    replanned = tables.Column(verbose_name="Re-planned", attrs=NUMERIC)
    overdue = tables.Column(verbose_name="Overdue", attrs=NUMERIC)
    past_original_due = tables.Column(verbose_name="Past original due quarter", attrs=NUMERIC)
    engagement = tables.Column(verbose_name="Engagement activities", attrs=NUMERIC)
    engagement_actions = tables.Column(verbose_name="Actions from engagement", attrs=NUMERIC)
    has_panel = tables.BooleanColumn(verbose_name="Scrutiny panel", yesno="Yes,No")
    panel_challenges = tables.Column(verbose_name="Challenged by the panel", attrs=NUMERIC)
    panel_unanswered = tables.Column(verbose_name="Panel views not replied to", attrs=NUMERIC)

    class Meta(GovukTable.Meta):
        empty_text = "No forces match these filters."
        # The workstream heat-map columns (added per request) go where "..." stands.
        sequence = (
            "force",
            "slug",
            "region",
            "country",
            "deliverables",
            "percent_complete",
            "status_mix",
            "...",
            *DISPLAY_ORDER,
            "replanned",
            "overdue",
            "past_original_due",
            "engagement",
            "engagement_actions",
            "has_panel",
            "panel_challenges",
            "panel_unanswered",
            "latest_quarter",
        )

    def __init__(self, data, *, workstreams, **kwargs):
        extra = [(f"ws_{workstream.slug}", HeatColumn(workstream)) for workstream in workstreams]
        super().__init__(data, extra_columns=extra, **kwargs)

    def value_has_panel(self, value):
        return "Yes" if value else "No"

    def render_percent_complete(self, value):
        return _percent(value)

    def value_percent_complete(self, value):
        return value

    def render_latest_quarter(self, value):
        return str(value)

    def value_latest_quarter(self, value):
        return value.compact


class CoverageTable(GovukTable):
    """Each force's coverage of the national actions: ``actions.comparison.ForceCoverage``."""

    caption = "National actions served by each force"

    force = ForceColumn(accessor="force__name", verbose_name="Force", attrs=TEXT)
    region = tables.Column(accessor="force__region", attrs=TEXT)
    count = tables.Column(verbose_name="National actions served", attrs=NUMERIC)
    percent = tables.Column(verbose_name="Coverage share", attrs=NUMERIC)

    class Meta(GovukTable.Meta):
        pass

    def render_percent(self, value):
        return _percent(value)


def _number(value, places: int) -> str:
    return "" if value is None else f"{value:,.{places}f}"


def _escaped(value) -> str:
    """``conditional_escape(value)`` for a string: a safe one as it is, another escaped."""
    return value if hasattr(value, "__html__") else html_escape(value)


class _ListOrderedOnce(TableListData):
    """django-tables2's list data, ordered on the same comparisons of the same values, with
    each record's values looked up once rather than at every comparison."""

    def order_by(self, aliases):
        accessors = []
        for alias in aliases:
            bound_column = self.table.columns[OrderBy(alias).bare]
            if alias[0] != bound_column.order_by_alias[0]:
                accessors += bound_column.order_by.opposite
            else:
                accessors += bound_column.order_by
        order = OrderByTuple(accessors)
        looked_up = [Accessor(order_by.bare) for order_by in order]
        # The comparator reads a dict keyed by the accessor as the accessor's value.
        compare = order.key
        self.data.sort(
            key=lambda record: compare({a: a.resolve(record, quiet=True) for a in looked_up})
        )


class DisparityTable(GovukTable):
    """Every force's rate and ratio to the White rate for one group, year and census:
    ``indicators.figures.AreaFigures`` records. Sorted by the ratio, highest first, unless
    the visitor chooses another column."""

    force = tables.Column(accessor="area__name", verbose_name="Force", attrs=TEXT)

    class Meta(GovukTable.Meta):
        empty_text = "No figures for this year and census."
        order_by = ("-ratio",)

    def __init__(self, data, *, group: str, **kwargs):
        self.group = group
        cell = f"groups__{group}__"
        extra = [
            (
                "searches",
                tables.Column(
                    accessor=f"{cell}searches",
                    verbose_name=f"Searches of {group} people",
                    default="unknown",
                    attrs=NUMERIC,
                ),
            ),
            (
                "population",
                tables.Column(
                    accessor=f"{cell}population", verbose_name=f"{group} residents", attrs=NUMERIC
                ),
            ),
            (
                "rate",
                tables.Column(
                    accessor=f"{cell}rate",
                    verbose_name=f"{group} rate per 1,000",
                    default="unknown",
                    attrs=NUMERIC,
                ),
            ),
            (
                "white_rate",
                tables.Column(
                    accessor="groups__White__rate",
                    verbose_name="White rate per 1,000",
                    attrs=NUMERIC,
                ),
            ),
            (
                "ratio",
                tables.Column(
                    accessor=f"{cell}ratio__ratio",
                    verbose_name="Times the White rate",
                    default="unknown",
                    attrs=NUMERIC,
                ),
            ),
            (
                "interval",
                tables.Column(
                    accessor=f"{cell}ratio__lower",
                    verbose_name="95% interval",
                    default="none",
                    attrs=NUMERIC,
                    orderable=False,
                ),
            ),
            (
                "change",
                tables.Column(
                    accessor=f"changes__{group}",
                    verbose_name="Change since 2020/21",
                    default=NO_DELIVERABLES,
                    attrs=NUMERIC,
                ),
            ),
            (
                "note",
                tables.Column(
                    accessor=f"groups__{group}", verbose_name="Note", attrs=TEXT, orderable=False
                ),
            ),
        ]
        super().__init__(_ListOrderedOnce(list(data)), extra_columns=extra, **kwargs)

    @cached_property
    def body(self) -> list[tuple[BoundRow, SafeString]]:
        """``(row, cells)`` as ``GovukTable.body`` gives them, each cell worked out from the
        row's figure for the group directly (the ``render_*`` methods below, which the
        downloads use too) rather than through django-tables2's accessors: a few hundred
        cells on every uncached request."""
        columns = list(self.columns)
        cells = [
            (
                getattr(self, f"_cell_{bound.name}"),
                bound.default,
                ('<th scope="row" {}>{}</th>' if index == 0 else "<td {}>{}</td>").format(
                    bound.attrs["td"].as_html(), "{}"
                ),
            )
            for index, bound in enumerate(columns)
        ]
        body = []
        for row in self.rows:
            record = row.record
            figure = record.groups[self.group]
            row_cells = []
            for content, default, tag in cells:
                value = content(record, figure)
                row_cells.append(
                    _CELL.format(tag.format(_escaped(default if value is None else value)))
                )
            body.append((row, mark_safe("".join(row_cells))))
        return body

    # Each column's cell for ``record`` (``figure``: its group), None for the column's default.

    def _cell_force(self, record, figure):
        return self.render_force(record.area.name, record)

    def _cell_searches(self, record, figure):
        return None if figure.searches is None else self.render_searches(figure.searches)

    def _cell_population(self, record, figure):
        return None if figure.population is None else self.render_population(figure.population)

    def _cell_rate(self, record, figure):
        rate = figure.rate
        return None if rate is None else self.render_rate(rate)

    def _cell_white_rate(self, record, figure):
        rate = record.groups[Ethnicity.WHITE].rate
        return None if rate is None else self.render_white_rate(rate)

    def _cell_ratio(self, record, figure):
        return None if figure.ratio is None else self.render_ratio(figure.ratio.ratio)

    def _cell_interval(self, record, figure):
        if figure.ratio is None or figure.ratio.lower is None:
            return None
        return self.render_interval(figure.ratio.lower, record)

    def _cell_change(self, record, figure):
        change = record.changes.get(self.group)
        return None if change is None else self.render_change(change)

    def _cell_note(self, record, figure):
        return self.render_note(figure)

    def render_force(self, value, record):
        return format_html(
            '<a class="govuk-link" href="/forces/{}/disparities/">{}</a>', record.area.slug, value
        )

    def render_searches(self, value):
        return _number(value, 0)

    def render_population(self, value):
        return _number(value, 0)

    def render_rate(self, value):
        return _number(value, 2)

    def render_white_rate(self, value):
        return _number(value, 2)

    def render_ratio(self, value):
        return _number(value, 2)

    def render_interval(self, value, record):
        ratio = record.groups[self.group].ratio
        if ratio is None or ratio.lower is None:
            return "none"
        return f"{ratio.lower:.2f} to {ratio.upper:.2f}"

    def render_change(self, value):
        return f"{value:+.2f}"

    def render_note(self, value):
        return value.caution
