"""End-to-end systems, one per interview story, plus the shared core."""
