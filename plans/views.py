from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.models import Force


@login_not_required
@require_safe
def home(request):
    forces = Force.objects.order_by("region", "name")
    context = {
        "regions": [(region, list(rows)) for region, rows in groupby(forces, lambda f: f.region)],
        "force_count": len(forces),
    }
    return render(request, "plans/home.html", context)
