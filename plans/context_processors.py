from django.core.cache import cache

DEMO_FLAG_CACHE_KEY = "prap:demo-data-loaded"


def demo_data_loaded() -> bool:
    """Whether demonstration data is loaded (cached; seed_demo and clear_demo reset it)."""
    from plans.models import Plan

    return cache.get_or_set(
        DEMO_FLAG_CACHE_KEY, lambda: Plan.objects.filter(is_demo=True).exists(), 300
    )


def site(request):
    return {"demo_data_loaded": demo_data_loaded}
