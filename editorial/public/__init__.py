"""The public site: what readers see, read from publications only, and how it is cached.

`views` and `urls` are the pages, `sitemaps` the sitemap, `cache` the page cache and the
HTTP caching headers, `log_filters` keeps a failing cache from flooding the log. The
workflow never imports this package: it announces publishing with signals
(editorial.signals) and `cache.invalidate_on_publish` listens.
"""
