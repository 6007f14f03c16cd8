"""
A Reconciliation Service (Reconciliation Service API 0.2, the protocol OpenRefine speaks) for
the published people, organizations and events.

A researcher with a spreadsheet of names sends them in a batch; each gets scored candidates
(0–100), and `match` is true only for a certain match: the name reads the same (ignoring case,
accents, word order and an honorific) or an identifier (ORCID, ROR…) is the same, every
property given agrees, and no other candidate is as good. Suggest, preview and data extension
(identifiers, names, titles) complete the protocol.

Only what the public may see is reconciled: every candidate comes from
`Event.objects.published()` and its `.people()` / `.organizations()`, so a draft's person
cannot be found, suggested, previewed or extended. The service is unprefixed (the same in
every language) and rate-limited like the API, by the same DRF throttle.
"""
