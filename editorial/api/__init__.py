"""The partners' read-only JSON API, at /api/v1/: published pages, their drugs, the glossary.

Like the public site it reads publications only (editorial.api.reading), is cached by the
public page cache and purged from HTTP caches on publish (editorial.public.frontend_cache).
"""
