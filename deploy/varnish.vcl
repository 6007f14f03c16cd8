vcl 4.1;
# Varnish in front of the app servers (Debian: apt-get install varnish varnish-modules), an
# edge cache that keeps the site's anonymous pages and drops exactly those that show a
# changed record (events/cache/edge.py; `make edge` proves it):
#
# - it keeps only what the site marks as a public page: an answer with `Cache-Control:
#   s-maxage` above 0 and an `xkey` header (the page keys of the records it shows), for as
#   long as s-maxage says; everything else goes to the app servers every time;
# - editors (a session cookie) and readers with a one-off notice (the messages cookie) always
#   reach the app servers, as the site's own page cache does; other cookies do not change a
#   page, so they neither split the cache nor bypass it;
# - the site sends `PURGE` with an `xkey-purge` header listing the keys a change retired
#   (DJANGO_EDGE_PURGE_URLS=http://<this cache>/); only the purgers below may.
#
# Serve on port 80 or behind TLS termination, e.g.
#   varnishd -a :80 -f /etc/varnish/varnish.vcl -s malloc,256m
# and point the backends below at the app servers (gunicorn, deploy/gunicorn.conf.py).
import directors;
import xkey;

# --- App servers (bench/edge.py writes its own block in place of this one) ---
backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
}

sub vcl_init {
    new apps = directors.round_robin();
    apps.add_backend(app1);
}
# --- end of app servers ---

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    set req.backend_hint = apps.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in xkey-purge"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " pages"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Django's SESSION_COOKIE_NAME (default "sessionid") and its messages cookie.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    # Skip the built-in rule that passes every request with a cookie: the page is the same.
    return (hash);
}

sub vcl_backend_response {
    if (!beresp.http.xkey || beresp.http.Cache-Control !~ "s-maxage=[1-9]"
            || beresp.http.Set-Cookie) {
        # Not a public page: ask the app servers for it every time (for two minutes, do not
        # queue requests for it behind one another either).
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Never an expired copy: pages that depend on the date are rebuilt when s-maxage ends.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    # The page keys are for this cache only, and so is s-maxage: a shared cache further
    # on would never hear the purges.
    unset resp.http.xkey;
    if (resp.http.Cache-Control) {
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, ",?\s*s-maxage=\d+", "");
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
