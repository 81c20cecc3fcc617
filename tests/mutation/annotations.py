"""Reviewed surviving mutants that are equivalent: they change no observable result.

Keys are mutmut mutant names (``mutmut show NAME`` prints the diff). A name goes stale when the
function it points into changes; the report then shows the new survivors as NOT REVIEWED.
"""

EQUIVALENT: dict[str, str] = {}
