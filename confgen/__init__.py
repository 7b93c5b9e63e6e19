"""confgen: one manifest for a fleet of Cloudflare Workers."""

__version__ = "0.1.0"
