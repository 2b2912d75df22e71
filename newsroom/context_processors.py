"""What every public template knows about the site it renders for."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def _nav_sections(request):
    from .models import SectionPage

    site = Site.find_for_request(request)
    if site is None:
        return []
    return list(
        SectionPage.objects.child_of(site.root_page).live().public().order_by("path")
    )


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        "nav_sections": SimpleLazyObject(lambda: _nav_sections(request)),
    }
