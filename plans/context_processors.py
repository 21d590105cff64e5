from functools import partial

from plans.cache import demo_data_loaded


def site(request):
    # A callable: only pages that show the banner look the flag up.
    return {"demo_data_loaded": partial(demo_data_loaded, request)}
