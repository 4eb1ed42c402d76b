vcl 4.1;

# Varnish (Debian's package) in front of the Imprimatur app servers.
#
# It keeps what the site marks for shared caches (public pages carry s-maxage) for that
# long, passes the admin and every request with a Django session or CSRF cookie, and drops
# tracking parameters from the URL so they do not split one page into many objects.
# Publishing purges what it made stale (editorial/public/frontend_cache.py): PURGE <path> for
# pages, BAN with an X-Ban-Url pattern for lists. A deployer edits the backend's host and
# port and the purgers ACL below; the rest needs no editing.

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may PURGE and BAN: the app servers (their FRONTEND_CACHE_URLS point here). If a TLS
# proxy on this machine forwards readers to Varnish, readers arrive from 127.0.0.1 too:
# then give the purgers a listen address of their own and check local.socket as well.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # X-Cache is ours to set (vcl_pass), never a client's.
    unset req.http.X-Cache;
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "X-Ban-Url is required"));
        }
        # Tested against headers stored on each object, so the ban lurker can apply it in
        # the background without waiting for a request to each URL.
        ban("obj.http.X-Url ~ " + req.http.X-Ban-Url + " && obj.http.X-Host == " + req.http.Host);
        return (synth(200, "Banned"));
    }
    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE)$") {
        return (synth(405, "Method Not Allowed"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)") {
        return (pass);
    }
    # A signed-in editor (sessionid) or a form in progress (csrftoken) gets Django's own
    # answer. (Django's default cookie names: edit if the settings rename them.)
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken)=" || req.http.Authorization) {
        return (pass);
    }
    # No public page reads any other cookie (analytics and the like): keep one copy for all.
    unset req.http.Cookie;

    # Tracking parameters change nothing Django renders; the backend never needs them.
    if (req.url ~ "[?&](utm_[A-Za-z0-9_]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "([?&])(utm_[A-Za-z0-9_]+|fbclid|gclid)=[^&]*", "\1");
        set req.url = regsuball(req.url, "([?&])&+", "\1");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    return (hash);
}

sub vcl_pass {
    set req.http.X-Cache = "PASS";
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cache;
}

sub vcl_backend_response {
    set beresp.http.X-Url = bereq.url;
    set beresp.http.X-Host = bereq.http.Host;
    # Keep only what the site marks for shared caches. The admin, redirects and anything
    # setting a cookie carry no s-maxage: remember for a while not to wait on them.
    if (beresp.http.Cache-Control !~ "s-maxage" || beresp.http.Set-Cookie
        || bereq.url ~ "^/admin(/|$)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The TTL is s-maxage (Varnish prefers it to max-age). No grace: a page is never
    # served past it, so a purge that failed is bounded by s-maxage alone.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (req.http.X-Cache == "PASS") {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Url;
    unset resp.http.X-Host;
}
