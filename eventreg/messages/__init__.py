"""Hosts' messages to their registrants: to an audience (audiences.py), with merge fields (merge.py), sent now or
at a chosen time (the cron's sending.py), each with its log of who got what."""
