"""
Caches of the public site, and the one rule for retiring them.

- `generation`: the value every cached page and ETag is keyed on, kept current in every
  worker; `remember()` for data many pages share.
- `pages`: the anonymous page cache (a middleware right after WhiteNoise) and conditional GET.
- `coalesce`: after a cache loss, each page is rendered by one worker, not by every one.
- `fragments`: the event page's body and structured data, per event, under a content version.
- `receivers`: what each write retires, for every write path (the invalidation policy).
"""
