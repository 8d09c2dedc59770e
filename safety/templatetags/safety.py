from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def quick_exit_url() -> str:
    """The neutral page quick exit opens: script goes straight there, so nothing waits."""
    return str(settings.QUICK_EXIT_URL)
