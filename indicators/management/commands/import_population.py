"""Load a census population table (census, force_area, ethnicity, population).

    python manage.py import_population census-2021-by-force-area.csv
    python manage.py import_population census-2021-by-force-area.csv --confirm

As ``import_home_office_stop_searches``: a preview without ``--confirm``; with it, each
census in the table replaces that census's residents; exit status 1 listing every problem.
"""

from __future__ import annotations

from indicators.home_office import POPULATION_TABLE
from indicators.management.commands import import_home_office_stop_searches


class Command(import_home_office_stop_searches.Command):
    help = "Check a census population table by police force area; load it with --confirm."
    table = POPULATION_TABLE
