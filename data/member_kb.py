"""A synthetic member-services knowledge base with a graded gold set of questions.

What it generates
-----------------
Facts first, text second. Every document is written from fact tables drawn with one
``np.random.Generator``, so every answer in the gold set is known exactly:

    plans          code (e.g. ``MB-4821``), name, deductible, out-of-pocket maximum
    services       plan x 10 medical services -> in-network copay, out-of-network coinsurance
                   (a long section, so plan documents run past 512 tokens and get cut)
    copays         plan x tier (generic, preferred brand, non-preferred brand, specialty)
                   x channel (30-day retail, 90-day retail, 90-day mail order), in dollars;
                   90-day mail order = round(2 x 30-day retail) for tiers 1-3
    prior auth     drug -> policy code (``PA-7731``), criteria, approval length in months
    interactions   drug pair -> level (major / moderate / minor) and a management rule
    topics         hand-written member-services procedures (ID cards, appeals, travel, ...)

Documents (multi-section, markdown-like headings, paragraphs of varied length):
benefit summary per plan, archived summary per plan (same code, old copays: a
*distractor* that shares terms but not facts), a coverage policy per prior-auth drug,
a drug note per drug, an interaction note per pair, one document per topic, and filler
newsletters that mention plan codes and drug names without stating any fact.

Gold set
--------
Questions carry graded relevance to document ids (2 = states the answer, 1 = related:
the drug note of a drug in the asked pair, or the plan's summary when the question is
about the plan in general) and a one-sentence reference answer. Three kinds, planted so
that each retriever has questions it should win (the effect is shaped on purpose):

    exact       worded with the documents' own terms: plan codes, policy codes, drug
                names, tier and channel names. Keyword search should win: codes are
                rare tokens that a sentence embedding barely separates.
    paraphrase  worded in plain language with few content words shared with the
                answer document ("three-month supply delivered to my home" for
                "90-day mail order"; topic questions in lay words). Dense should win.
    mixed       a drug-name pair plus a lay question ("is it safe to combine X and Y"):
                needs the names (keyword) and the intent (dense).

Each question has a ``month`` (1..10) drawn uniformly; the split is chronological like
the story's: months 1-8 train, 9 validation (all tuning), 10 test (touched once per run).
The generated facts are random draws, not medical or benefits information.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TIERS = ("generic", "preferred brand", "non-preferred brand", "specialty")
CHANNELS = ("30-day retail", "90-day retail", "90-day mail order")
LEVELS = ("major", "moderate", "minor")
DRUGS = (
    "metformin",
    "lisinopril",
    "atorvastatin",
    "amlodipine",
    "omeprazole",
    "simvastatin",
    "losartan",
    "levothyroxine",
    "gabapentin",
    "hydrochlorothiazide",
    "sertraline",
    "montelukast",
    "escitalopram",
    "rosuvastatin",
    "bupropion",
    "furosemide",
    "pantoprazole",
    "tramadol",
    "trazodone",
    "duloxetine",
    "carvedilol",
    "meloxicam",
    "clopidogrel",
    "prednisone",
    "citalopram",
    "warfarin",
    "apixaban",
    "rivaroxaban",
    "semaglutide",
    "dulaglutide",
    "adalimumab",
    "etanercept",
    "ustekinumab",
    "sumatriptan",
    "ibuprofen",
    "naproxen",
    "fluoxetine",
    "spironolactone",
    "allopurinol",
    "tamsulosin",
    "finasteride",
    "methotrexate",
    "lithium",
    "digoxin",
    "amiodarone",
    "clarithromycin",
    "fluconazole",
    "ciprofloxacin",
    "sildenafil",
    "nitroglycerin",
    "tirzepatide",
    "insulin",
    "empagliflozin",
    "dapagliflozin",
    "valsartan",
    "metoprolol",
    "propranolol",
    "quetiapine",
    "aripiprazole",
    "topiramate",
)
FAMILIES = ("Bronze", "Silver", "Gold", "Platinum")
VARIANTS = ("Choice", "Select", "Value", "Plus", "Core", "Flex", "Prime", "Essential")
SERVICES = (
    "primary care visit",
    "specialist visit",
    "urgent care",
    "emergency room",
    "inpatient stay",
    "outpatient surgery",
    "laboratory test",
    "imaging scan",
    "physical therapy session",
    "mental health visit",
)
LEVEL_RULE = {
    "major": "avoid the combination unless the prescriber documents that the benefit outweighs the risk",
    "moderate": "use together only with closer monitoring and a possible dose adjustment",
    "minor": "no change is usually needed, but the pharmacist should mention it at pickup",
}
LAY_TIER = {
    "generic": "generic medicine",
    "preferred brand": "brand-name medicine on the preferred list",
    "non-preferred brand": "brand-name medicine that is not on the preferred list",
    "specialty": "specialty medication",
}
LAY_CHANNEL = {
    "30-day retail": "a one-month fill at a local drugstore",
    "90-day retail": "a three-month fill picked up in person at a drugstore",
    "90-day mail order": "a three-month supply shipped to my home",
}

# (doc title, formal document sentences, lay questions, lay answer) per procedure topic.
TOPICS = (
    (
        "Requesting a replacement identification card",
        [
            "Members may request a replacement identification card through the portal or by calling member "
            "services.",
            "A new card is mailed within seven business days.",
            "A temporary digital card is available immediately.",
        ],
        [
            "I lost my insurance card, how do I get another one?",
            "my member card went through the wash, what now",
        ],
        "Request a replacement card online or by phone; it arrives within seven business days.",
    ),
    (
        "Filing a grievance or appeal",
        [
            "An appeal of a coverage determination must be submitted within 180 days of the denial notice.",
            "Expedited appeals are decided within 72 hours when delay could jeopardize health.",
        ],
        [
            "how long do I have to fight a denied claim?",
            "they refused to pay for my medicine, can I challenge it",
        ],
        "Appeals must be submitted within 180 days of the denial; urgent ones are decided within 72 hours.",
    ),
    (
        "Coverage while traveling outside the country",
        [
            "Emergency services received abroad are reimbursed after the member submits an itemized receipt.",
            "Routine prescriptions should be filled before departure using a vacation override.",
        ],
        [
            "will I be covered if I get sick on holiday in Europe?",
            "getting my pills before a long trip overseas",
        ],
        "Emergency care abroad is reimbursed with an itemized receipt; fill routine prescriptions before "
        "leaving.",
    ),
    (
        "Transferring a prescription between pharmacies",
        [
            "A prescription may be transferred by asking the receiving pharmacy to contact the original pharmacy.",
            "Controlled substances in schedule II cannot be transferred and require a new prescription.",
        ],
        ["can I move my meds to a different drugstore?", "switching where I pick up my medicine"],
        "Ask the new pharmacy to contact the old one; schedule II drugs need a new prescription.",
    ),
    (
        "Emergency supply during a declared disaster",
        [
            "During a declared state of emergency, members may obtain an early refill of up to a 30-day supply.",
            "Refill-too-soon edits are lifted for the duration of the declaration.",
        ],
        ["hurricane coming, can I refill my medication early?", "my house flooded and my pills were ruined"],
        "During a declared emergency members can get an early refill of up to 30 days.",
    ),
    (
        "Step therapy exception requests",
        [
            "Step therapy requires a trial of a first-line drug before a second-line drug is covered.",
            "An exception is granted when the first-line drug is contraindicated or previously failed.",
        ],
        [
            "why do I have to try a cheaper drug first?",
            "my doctor wants to skip the first medicine they make you try",
        ],
        "A step therapy exception is granted if the first-line drug is contraindicated or already failed.",
    ),
    (
        "Quantity limits on dispensed medication",
        [
            "Quantity limits cap the number of units dispensed per fill based on labeled dosing.",
            "The prescriber may request an override with documentation of medical necessity.",
        ],
        [
            "the pharmacy would only give me half the pills my doctor wrote",
            "why can't I get more tablets at once",
        ],
        "Quantity limits cap units per fill; the prescriber can request an override with documentation.",
    ),
    (
        "Immunizations administered at network pharmacies",
        [
            "Routine immunizations recommended by the advisory committee are covered at no cost at network "
            "pharmacies.",
            "Members should bring their identification card to the pharmacy counter.",
        ],
        ["do I pay anything for a flu shot at the drugstore?", "getting vaccinated without a doctor visit"],
        "Recommended immunizations are free at network pharmacies.",
    ),
    (
        "Medication synchronization program",
        [
            "The synchronization program aligns refill dates so that all maintenance medications are "
            "collected on one day.",
            "The first synchronized fill may be prorated to a partial supply.",
        ],
        ["can all my refills be on the same day each month?", "tired of going to the pharmacy every week"],
        "The synchronization program lines up refills so they are picked up on one day.",
    ),
    (
        "Coordination of benefits with a second insurer",
        [
            "When a member has two plans, the primary plan pays first and the secondary plan considers the "
            "remainder.",
            "The birthday rule determines which parent's plan is primary for dependent children.",
        ],
        ["my wife and I both have insurance, which pays for our kids?", "I have coverage through two jobs"],
        "The primary plan pays first; for children the birthday rule decides which parent's plan is primary.",
    ),
    (
        "Adding a newborn or dependent to coverage",
        [
            "A newborn must be enrolled within 30 days of birth to be covered from the date of birth.",
            "Proof of the qualifying life event is required for any other mid-year addition.",
        ],
        ["we just had a baby, how do I put her on my plan?", "adding my child to my health insurance"],
        "Enroll a newborn within 30 days of birth for coverage from birth.",
    ),
    (
        "Out-of-network pharmacy claims",
        [
            "Prescriptions filled at a non-network pharmacy are reimbursed at the network rate minus the copay.",
            "Paper claims must be submitted within one year of the fill date.",
        ],
        [
            "I bought my medicine at a store that doesn't take my insurance",
            "getting money back for pills I paid for myself",
        ],
        "Non-network fills are reimbursed at the network rate minus the copay; submit within one year.",
    ),
    (
        "Specialty pharmacy enrollment",
        [
            "Specialty medications are dispensed by the designated specialty pharmacy after enrollment by phone.",
            "A care coordinator schedules each delivery and provides injection training.",
        ],
        ["who sends me my expensive injectable medicine?", "someone to teach me how to do my shots at home"],
        "Specialty drugs come from the designated specialty pharmacy, with a coordinator and injection "
        "training.",
    ),
    (
        "Privacy of health information",
        [
            "Protected health information is disclosed only for treatment, payment or operations unless the "
            "member authorizes otherwise.",
            "Members may request an accounting of disclosures once per year at no charge.",
        ],
        ["who can see my medical records?", "can I find out who looked at my health data"],
        "Health information is shared only for treatment, payment or operations; an accounting is free yearly.",
    ),
    (
        "Hearing and vision discounts",
        [
            "Members receive discounted eyewear and hearing aids through participating retail partners.",
            "The discount is applied at checkout when the identification card is presented.",
        ],
        ["cheaper glasses with my health plan?", "do I get money off hearing aids"],
        "Discounted eyewear and hearing aids are available from participating partners at checkout.",
    ),
    (
        "Telehealth visits",
        [
            "Virtual visits with a network clinician are available around the clock with no visit fee.",
            "Prescriptions written during a virtual visit are routed to the member's preferred pharmacy.",
        ],
        ["can I see a doctor on my phone at night?", "video call with a doctor instead of going in"],
        "Virtual visits are available at any hour with no visit fee.",
    ),
)


@dataclass
class Document:
    doc_id: str
    title: str
    kind: str
    text: str


@dataclass
class Question:
    qid: str
    text: str
    kind: str  # exact | paraphrase | mixed
    relevance: dict[str, int]
    answer: str
    month: int
    split: str = field(default="")


@dataclass
class KnowledgeBase:
    documents: list[Document]
    questions: list[Question]

    def split(self, name: str) -> list[Question]:
        if name not in ("train", "validation", "test"):
            raise ValueError(f"unknown split {name!r}; use train, validation or test")
        return [q for q in self.questions if q.split == name]


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _plans(n: int, rng: np.random.Generator) -> list[dict]:
    codes = rng.choice(np.arange(1000, 9999), size=n, replace=False)
    plans = []
    for i, code in enumerate(codes):
        fam = FAMILIES[i % len(FAMILIES)]
        base = {"Bronze": 15, "Silver": 10, "Gold": 7, "Platinum": 4}[fam]
        retail = [base * m * float(rng.uniform(0.8, 1.3)) for m in (1, 4, 8)]
        copay = {}
        for t, tier in enumerate(TIERS[:3]):
            r30 = float(np.round(retail[t]))
            copay[(tier, "30-day retail")] = r30
            copay[(tier, "90-day retail")] = float(np.round(3 * r30))
            copay[(tier, "90-day mail order")] = float(np.round(2 * r30))
        spec = float(np.round(rng.uniform(80, 250)))
        for ch in CHANNELS:
            copay[("specialty", ch)] = spec
        plans.append(
            {
                "code": f"MB-{code}",
                "name": f"{fam} {VARIANTS[(i // 4) % len(VARIANTS)]} {1000 + 250 * (i % 9)}"
                + (f" series {i // 288 + 1}" if i >= 288 else ""),
                "deductible": float(rng.choice([0, 250, 500, 1000, 1500])),
                "oop_max": float(rng.choice([2000, 3500, 5000, 7000])),
                "copay": copay,
                "services": {
                    sv: (
                        float(rng.choice([0, 10, 20, 35, 50, 75, 150, 250])),
                        int(rng.choice([20, 30, 40, 50])),
                    )
                    for sv in SERVICES
                },
            }
        )
    return plans


def _summary_text(p: dict, copay: dict, archived: bool) -> str:
    head = (
        f"# {p['name']} ({p['code']}) archived 2019 benefit summary\n\nThis summary is no longer in "
        f"effect "
        "and is kept for reference only.\n"
        if archived
        else f"# {p['name']} ({p['code']}) benefit summary\n\n"
    )
    lines = [
        head,
        "## Overview\n",
        f"Plan {p['code']} has an annual deductible of {_money(p['deductible'])} "
        f"and an out-of-pocket maximum of {_money(p['oop_max'])}. Copays below apply after the "
        "deductible for brand tiers and from the first fill for generics.\n",
    ]
    for ch in CHANNELS:
        lines.append(f"## {ch.capitalize()} copays\n")
        parts = [
            f"Under plan {p['code']}, a {tier} drug costs {_money(copay[(tier, ch)])} for a {ch} fill."
            for tier in TIERS
        ]
        lines.append(" ".join(parts) + "\n")
    lines.append("## Medical services\n")
    for sv, (cin, cout) in p["services"].items():  # a long section: plan documents span chunks
        lines.append(
            f"For a {sv}, members of {p['code']} pay {_money(cin)} in network; out of network "
            f"the plan covers {100 - cout}% after the deductible and the member pays {cout}%."
        )
    lines.append(
        "\n## Specialty drugs\n\nSpecialty drugs are limited to a 30-day supply from the specialty "
        "pharmacy, whatever channel is requested.\n"
    )
    return "\n".join(lines)


def generate(
    n_plans: int = 24, n_pairs: int = 60, n_filler: int = 80, n_questions: int = 500, seed: int = 0
) -> KnowledgeBase:
    """Generate documents and a gold set of ``n_questions`` questions.

    Parameters
    ----------
    n_plans, n_pairs, n_filler : int
        Number of plans (two documents each), interaction pairs and filler newsletters.
    n_questions : int
        Gold set size, split chronologically 8/1/1 by month.
    seed : int
        Everything is drawn from ``np.random.default_rng(seed)``.
    """
    if min(n_plans, n_pairs, n_questions) < 1 or n_filler < 0:
        raise ValueError("n_plans, n_pairs and n_questions must be >= 1 and n_filler >= 0")
    rng = np.random.default_rng(seed)
    plans = _plans(n_plans, rng)
    docs: list[Document] = []
    for p in plans:
        docs.append(
            Document(
                f"sum-{p['code']}",
                f"{p['name']} benefit summary",
                "summary",
                _summary_text(p, p["copay"], archived=False),
            )
        )
        old = {k: float(np.round(v * rng.uniform(0.6, 0.9))) for k, v in p["copay"].items()}
        docs.append(
            Document(
                f"arc-{p['code']}",
                f"{p['name']} archived summary",
                "archive",
                _summary_text(p, old, archived=True),
            )
        )
    pa_drugs = list(rng.choice(DRUGS, size=len(DRUGS) // 3, replace=False))
    pa = {
        d: {
            "code": f"PA-{int(c)}",
            "months": int(rng.choice([6, 12, 24])),
            "criteria": str(
                rng.choice(
                    [
                        "a documented diagnosis and a failed trial of a generic alternative",
                        "lab results from the last 90 days",
                        "a specialist's prescription and a baseline assessment",
                    ]
                )
            ),
        }
        for d, c in zip(
            pa_drugs, rng.choice(np.arange(1000, 9999), size=len(pa_drugs), replace=False), strict=True
        )
    }
    for d, r in pa.items():
        docs.append(
            Document(
                f"pa-{d}",
                f"Coverage policy {r['code']}: {d}",
                "policy",
                f"# Coverage policy {r['code']}: {d}\n\n## Scope\n\nThis policy governs "
                f"coverage of {d} for all plans.\n\n## Criteria\n\nPrior authorization for {d} "
                f"requires {r['criteria']}.\n\n## Approval length\n\nAn approval under "
                f"{r['code']} lasts {r['months']} months and must then be renewed.\n",
            )
        )
    pairs = set()
    while len(pairs) < min(n_pairs, len(DRUGS) * (len(DRUGS) - 1) // 2):
        a, b = sorted(rng.choice(DRUGS, size=2, replace=False))
        pairs.add((str(a), str(b)))
    pairs = sorted(pairs)
    level = {pr: str(rng.choice(LEVELS, p=[0.3, 0.5, 0.2])) for pr in pairs}
    for a, b in pairs:
        lv = level[(a, b)]
        docs.append(
            Document(
                f"ix-{a}-{b}",
                f"Interaction note: {a} and {b}",
                "interaction",
                f"# Interaction note: {a} and {b}\n\n## Severity\n\nThe interaction between {a} "
                f"and {b} is classified as {lv}.\n\n## Management\n\nFor a {lv} interaction, "
                f"{LEVEL_RULE[lv]}.\n",
            )
        )
    for d in DRUGS:
        partners = [f"{b if a == d else a} ({level[(a, b)]})" for a, b in pairs if d in (a, b)]
        tier = TIERS[int(rng.integers(0, 4))]
        docs.append(
            Document(
                f"drug-{d}",
                f"Drug note: {d}",
                "drug",
                f"# Drug note: {d}\n\n## Formulary\n\n{d.capitalize()} is listed on the "
                f"{tier} tier.\n\n## Interactions\n\nKnown interactions: "
                f"{', '.join(partners) or 'none recorded'}.\n",
            )
        )
    for i, (title, sents, _, _) in enumerate(TOPICS):
        body = f"# {title}\n\n## Procedure\n\n" + " ".join(sents)
        docs.append(Document(f"topic-{i:02d}", title, "topic", body))
    for i in range(n_filler):
        p = plans[int(rng.integers(n_plans))]
        ds = rng.choice(DRUGS, size=3, replace=False)
        docs.append(
            Document(
                f"news-{i:04d}",
                f"Member newsletter {i}",
                "filler",
                f"# Member newsletter {i}\n\n## This month\n\nMembers of plan {p['code']} can "
                f"read about {ds[0]}, {ds[1]} and {ds[2]} in our wellness corner. Mail order "
                "and retail pharmacies both stock these medicines. Ask about tiers and copays "
                "at your pharmacy counter.\n",
            )
        )
    questions = _questions(n_questions, plans, pa, pairs, level, rng)
    return KnowledgeBase(docs, questions)


def _questions(n: int, plans, pa, pairs, level, rng) -> list[Question]:
    out: list[Question] = []
    kinds = rng.choice(["exact", "paraphrase", "mixed"], size=n, p=[0.4, 0.35, 0.25])
    for i, kind in enumerate(kinds):
        r = rng.random()
        if kind == "exact" and r < 0.6 or kind == "paraphrase" and r < 0.45:
            p = plans[int(rng.integers(len(plans)))]
            tier, ch = TIERS[int(rng.integers(4))], CHANNELS[int(rng.integers(3))]
            cost = _money(p["copay"][(tier, ch)])
            text = (
                f"{p['code']} {tier} tier copay {ch}"
                if kind == "exact"
                else f"On the {p['name']} plan, what do I pay for {LAY_TIER[tier]} as {LAY_CHANNEL[ch]}?"
            )
            rel = {f"sum-{p['code']}": 2}
            ans = f"A {tier} drug costs {cost} for a {ch} fill under plan {p['code']}."
        elif kind == "exact":
            d = list(pa)[int(rng.integers(len(pa)))]
            text = f"{pa[d]['code']} {d} prior authorization criteria"
            rel = {f"pa-{d}": 2, f"drug-{d}": 1}
            ans = f"Prior authorization for {d} requires {pa[d]['criteria']}."
        elif kind == "paraphrase":
            t = int(rng.integers(len(TOPICS)))
            title, _, lay, lay_ans = TOPICS[t]
            text = lay[int(rng.integers(len(lay)))]
            rel = {f"topic-{t:02d}": 2}
            ans = lay_ans
        else:
            a, b = pairs[int(rng.integers(len(pairs)))]
            if rng.random() < 0.5:
                a, b = b, a
            text = str(
                rng.choice(
                    [
                        f"is it safe to take {a} while I'm on {b}?",
                        f"can {a} and {b} be used together",
                        f"my doctor added {a} to my {b}, anything to watch out for?",
                    ]
                )
            )
            lo, hi = sorted((a, b))
            rel = {f"ix-{lo}-{hi}": 2, f"drug-{a}": 1, f"drug-{b}": 1}
            lv = level[(lo, hi)]
            ans = f"The interaction between {lo} and {hi} is {lv}: {LEVEL_RULE[lv]}."
        month = int(rng.integers(1, 11))
        split = "train" if month <= 8 else ("validation" if month == 9 else "test")
        out.append(Question(f"q{i:04d}", text, str(kind), rel, ans, month, split))
    return out
