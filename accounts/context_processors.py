from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"navigation": navigation_for(user) if user is not None else []}
