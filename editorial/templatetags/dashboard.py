from django import template

from editorial.dashboard import dashboard_sections

register = template.Library()


@register.inclusion_tag("admin/editorial/dashboard.html", takes_context=True)
def dashboard(context):
    return {"sections": dashboard_sections(context["request"].user)}
