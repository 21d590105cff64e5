"""Security headers for static files, which WhiteNoise serves without the view stack.

No Django imports: settings import this module to hand the function to WhiteNoise.
"""

# A static file is never a page: it may load nothing, run nothing and be framed by nobody.
STATIC_FILE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
STATIC_FILE_PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def static_file_headers(headers, path: str, url: str) -> None:
    """WhiteNoise's ``WHITENOISE_ADD_HEADERS_FUNCTION``: called once per file at start-up."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Content-Security-Policy"] = STATIC_FILE_CSP
    headers["Permissions-Policy"] = STATIC_FILE_PERMISSIONS
