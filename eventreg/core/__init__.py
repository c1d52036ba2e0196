"""Plumbing with no domain rules: configuration, extensions, the database session's rules, request
handling, security headers, rate limits, logs, health, paging, links and markup."""
