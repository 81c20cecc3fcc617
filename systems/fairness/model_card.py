"""A model card in Markdown: data, intended use, metrics overall and by group, mitigation, gate."""

from __future__ import annotations

from systems.core.report import markdown_table
from systems.fairness.audit import AuditResult
from systems.fairness.group_metrics import table_rows


def render(
    title: str,
    data_text: str,
    intended_use: str,
    inputs: list[str],
    sensitive: str,
    result: AuditResult,
    limitations: list[str],
) -> str:
    chosen = result.test[result.chosen]
    base = result.test["baseline"]
    gate_base, gate_chosen = result.gates["baseline"], result.gates[result.chosen]
    lines = [
        f"# Model card: {title}",
        "",
        "## Data",
        data_text,
        "",
        "## Intended use",
        intended_use,
        "",
        "## Model",
        f"LightGBM gradient boosting on {len(inputs)} inputs: {', '.join(inputs)}. "
        f"The sensitive attribute `{sensitive}` is not an input of the baseline. Decision rule: "
        f"{result.rule}; a missed positive is weighted as "
        f"{result.miss_cost:.1f} false alarms by every mitigation.",
        "",
        "## Metrics on held-out test rows",
        markdown_table([e.row() for e in result.test.values()]),
        "",
        f"## Metrics by `{sensitive}`: baseline",
        markdown_table(table_rows(base.table)),
        "",
        f"## Metrics by `{sensitive}`: chosen ({result.chosen})",
        markdown_table(table_rows(chosen.table)),
        "",
        "## Mitigation chosen",
        f"`{result.chosen}` ({result.candidates[result.chosen].note}): {result.choice_note}, on "
        "validation rows by the rule in `systems/fairness/audit.py` (only mitigations that flag some "
        "but not all rows and whose rates are defined for every group are eligible).",
        "",
        "## Release gate",
        f"- baseline: **{gate_base.status}** - " + "; ".join(gate_base.reasons),
        f"- {result.chosen}: **{gate_chosen.status}** - " + "; ".join(gate_chosen.reasons),
        "",
        "## Limitations",
        *[f"- {x}" for x in limitations],
        "",
    ]
    return "\n".join(lines)
