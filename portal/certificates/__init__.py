"""Certificates: designs, issued records, PDF rendering, batch issue and verification."""
