"""Name the outlet behind a URL: a small table of well-known ones, else the bare host."""

from __future__ import annotations

from urllib.parse import urlsplit

# Registered domain -> the outlet's usual name. Subdomains match (college.usatoday.com).
KNOWN_OUTLETS: dict[str, str] = {
    "usatoday.com": "USA Today",
    "cnn.com": "CNN",
    "theweek.com": "The Week",
    "theweek.co.uk": "The Week",
    "reuters.com": "Reuters",
    "apnews.com": "AP",
    "ap.org": "AP",
    "afp.com": "AFP",
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "theguardian.com": "The Guardian",
    "ft.com": "Financial Times",
    "economist.com": "The Economist",
    "bloomberg.com": "Bloomberg",
    "npr.org": "NPR",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
    "cnbc.com": "CNBC",
    "politico.com": "Politico",
    "politico.eu": "Politico",
    "axios.com": "Axios",
    "thehill.com": "The Hill",
    "latimes.com": "Los Angeles Times",
    "aljazeera.com": "Al Jazeera",
    "dw.com": "DW",
    "france24.com": "France 24",
    "euronews.com": "Euronews",
    "independent.co.uk": "The Independent",
    "telegraph.co.uk": "The Telegraph",
    "time.com": "TIME",
    "news.yahoo.com": "Yahoo News",
}

_NOISE_PREFIXES = ("www.", "m.", "amp.", "edition.", "mobile.")


def outlet_from_url(url: str | None) -> str | None:
    """The outlet for ``url``: a known name, else the host without ``www.``; None if no host."""
    host = _host(url)
    if not host:
        return None
    known = known_outlet(url)
    if known:
        return known
    for prefix in _NOISE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host.removeprefix(prefix)
            break
    return host


def known_outlet(url: str | None) -> str | None:
    """The name from ``KNOWN_OUTLETS`` for ``url``'s host or a parent domain, else None."""
    domain = _host(url)
    while domain:
        if domain in KNOWN_OUTLETS:
            return KNOWN_OUTLETS[domain]
        domain = domain.split(".", 1)[1] if "." in domain else ""
    return None


def _host(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
