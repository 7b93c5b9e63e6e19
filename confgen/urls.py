"""A request URL as a browser sends it (the WHATWG URL standard, for http and https).

`confgen route` must answer for the request Cloudflare receives, not for the text typed:
`https://evil.com\\@db.do/` goes to evil.com (a backslash ends the host), `ｄｂ.do` is
db.do (IDNA mapping), `/x/../api` is `/api`, and a trailing dot names the same zone.
Anything a browser would refuse is a ValueError with the reason.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from confgen.record import record

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_DOT_SEGMENT = {".", "%2e"}
_DOUBLE_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


@record
class Url:
    scheme: str
    host: str  # ASCII, lower case, without a trailing dot
    port: int | None  # None for the scheme's default
    path: str  # starts with /, dot segments resolved
    query: str  # without the ?, "" when there is none

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        query = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{self.host}{port}{self.path}{query}"


def parse(text: str) -> Url:
    """Parse as a browser does; a bare `host/path` or `//host/path` means https."""
    text = re.sub(r"[\t\n\r]", "", text.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b"
                                               "\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
                                               "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    if not text:
        raise ValueError("empty")
    match = _SCHEME.match(text)
    if match and "://" not in text and not text[match.end():match.end() + 1] in "/\\":
        match = None  # `db.do:8080/x` is a host and port, not a scheme
    if match:
        scheme, rest = match.group(1).lower(), text[match.end():]
        if scheme not in _DEFAULT_PORTS:
            raise ValueError(f"scheme {scheme!r}: Cloudflare routes only http and https")
    else:
        scheme, rest = "https", text
    rest = rest.lstrip("/\\")  # special schemes ignore any number of slashes
    end = min([i for i in (rest.find(c) for c in "/\\?#") if i >= 0], default=len(rest))
    authority, rest = rest[:end], rest[end:]
    rest = rest.split("#", 1)[0]  # the fragment never leaves the browser
    raw_path, _, query = rest.partition("?")
    host, port = _host_and_port(authority.rpartition("@")[2], scheme)
    return Url(scheme, host, port, _path(raw_path), query)


def _host_and_port(hostport: str, scheme: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            raise ValueError("unclosed [ in an IPv6 host")
        host, after = hostport[: close + 1].lower(), hostport[close + 1:]
        if after and not after.startswith(":"):
            raise ValueError(f"unexpected {after!r} after the IPv6 host")
        port_text = after[1:]
    else:
        host, _, port_text = hostport.partition(":")
        host = _domain(unquote(host))
    port = None
    if port_text:
        if not port_text.isascii() or not port_text.isdigit():
            raise ValueError(f"port {port_text!r} is not a number")
        port = int(port_text)
        if port > 65535:
            raise ValueError(f"port {port} is above 65535")
        if port == _DEFAULT_PORTS[scheme]:
            port = None
    return host, port


def _domain(host: str) -> str:
    if not host:
        raise ValueError("no host")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()  # NFKC + case fold + punycode
    except UnicodeError as exc:
        raise ValueError(f"host {host!r} is not a valid domain name ({exc})") from None
    ascii_host = ascii_host.rstrip(".")
    if not ascii_host or _FORBIDDEN_HOST.search(ascii_host):
        raise ValueError(f"host {host!r} holds a character no host may")
    return ascii_host


def _path(raw: str) -> str:
    """Backslashes as slashes, then `.` and `..` segments resolved, as browsers send it."""
    segments = raw.replace("\\", "/").split("/")[1:] if raw else [""]
    out: list[str] = []
    for n, segment in enumerate(segments):
        last = n == len(segments) - 1
        lowered = segment.lower()
        if lowered in _DOUBLE_DOT:
            if out:
                out.pop()
            if last:
                out.append("")
        elif lowered in _DOT_SEGMENT:
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)
