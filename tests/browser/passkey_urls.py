"""The site's URLs, plus a test-only signing page: the client half of signing, unwired.

The review form is where signing will live; until it is wired, this page holds what
that form will: a hidden content_hash and passkey_response, and a button with
data-passkey-sign that editorial/static/editorial/passkeys.js drives. Posted, it runs
`passkeys.verify_signing` and shows the assertion it returns. Under /admin/, so the
admin's policies (scripts from the site, passkeys allowed) apply.
"""

import json

from django.contrib import admin
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from editorial import passkeys

PAGE = engines["django"].from_string(
    """{% load static %}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign revision</title>
<script src="{% static 'editorial/passkeys.js' %}" defer></script></head>
<body><main>
<h1>Sign revision</h1>
{% if signed %}<p id="signed">Signed with “{{ signed }}”: {{ decision }}</p>
<pre id="assertion">{{ assertion }}</pre>{% endif %}
{% if refusal %}<p role="alert" id="refusal">{{ refusal }}</p>{% endif %}
<form method="post">{% csrf_token %}
<input type="hidden" name="content_hash" value="{{ content_hash }}">
<input type="hidden" name="passkey_response">
<button type="button" data-passkey-sign data-options-url="{% url 'admin:editorial_passkey_signing_options' %}"
  name="decision" value="approve">Approve with your passkey</button>
</form></main></body></html>"""
)


def sign_page(request, content_hash: str):
    context = {"content_hash": content_hash}
    if request.method == "POST":
        try:
            passkey, assertion = passkeys.verify_signing(
                request, request.user, content_hash, request.POST.get("passkey_response", "")
            )
        except passkeys.REFUSALS as refusal:
            context["refusal"] = str(refusal)
        else:
            context.update(
                signed=passkey.name,
                decision=request.POST.get("decision", ""),
                assertion=json.dumps(assertion),
            )
    return HttpResponse(PAGE.render(context, request))


urlpatterns = [
    path("admin/test-sign/<str:content_hash>/", admin.site.admin_view(sign_page)),
    *site_urlpatterns,
]
