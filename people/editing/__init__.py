"""
Editing machinery shared by every record model of both apps: history with a baseline entry
(`history`) and version fields that refuse a stale save (`versions`). It lives in `people`,
the lowest app, so that `events` can build on it without either app importing `webinar/`.
"""
