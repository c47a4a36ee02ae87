vcl 4.1;

# Varnish in front of Flywheel's web hosts (docs/deploy.md, "A CDN or caching proxy").
#
# - Signed-out pages that Flywheel marks `Cache-Control: public, s-maxage=N` with a
#   `Surrogate-Key` header (topic, space and home pages) are kept for N seconds.
# - Anything with a session cookie (a signed-in member) goes straight to Flywheel and is
#   never stored; Flywheel also marks those answers `private`.
# - `BAN` from an address in the purge ACL with a `Surrogate-Key: key1 key2` header drops
#   every stored page carrying one of the keys: set FLYWHEEL_EDGE_PURGE_BACKEND=varnish and
#   FLYWHEEL_EDGE_PURGE_URLS=http://<this varnish>/ on the web and worker hosts.
#
# Change the backend (and the ACL) to your web hosts; tests/core/test_edge_cache_varnish.py
# runs this file against a local server, replacing the port below.

import std;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purge {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purge) {
            return (synth(405, "Not allowed"));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "Surrogate-Key header required"));
        }
        # "topic-12 space-3" -> obj.http.Surrogate-Key ~ (^|[[:space:]])(topic-12|space-3)([[:space:]]|$)
        # Unquoted and without a literal space: from VCL, quotes would become part of the
        # regex, and the ban parser splits the expression on spaces.
        if (!std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" +
                regsuball(regsuball(std.tolower(req.http.Surrogate-Key),
                    "^[^a-z0-9_-]+|[^a-z0-9_-]+$", ""), "[^a-z0-9_-]+", "|") +
                ")([[:space:]]|$)")) {
            return (synth(400, std.ban_error()));
        }
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed in (or holding a session for any other reason): never from the cache.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Signed out: only the language choice changes the page; drop every other cookie
    # (csrftoken, analytics) so visitors share one copy per language.
    if (req.http.Cookie) {
        if (req.http.Cookie ~ "(^|;\s*)django_language=") {
            set req.http.Cookie = regsub(req.http.Cookie,
                "^.*?(?:^|;\s*)(django_language=[^;]*).*$", "\1");
        } else {
            unset req.http.Cookie;
        }
    }
    return (hash);
}

sub vcl_backend_response {
    # Flywheel says what may be shared: s-maxage for signed-out pages, private otherwise.
    # Nothing else is kept (Varnish would otherwise keep any answer without Cache-Control
    # for its default TTL: search results, sign-in pages, the API).
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Cache-Control ~ "private"
        || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Keys are for this proxy; browsers need not see them.
    unset resp.http.Surrogate-Key;
}
