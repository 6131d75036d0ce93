"""The memo's glossary: every term its tables use, defined once, in the words of the model.

A planner reads "in transit" or "arrivals" in a table and finds here what the model counts
under it (docs/model.md, section 8 has the variables). Each term is matched to a table label
by its head, the words before any parenthesis ("new displacement (new IDPs)" covers "peak
daily rate of new displacement"); :func:`entry_for` finds it, and the tests check that every
label of every memo table has one. A memo prints the entries it uses (:func:`used_in`).
"""

from __future__ import annotations

from sim.analysis.indicators import FULL_SHARE

GLOSSARY: dict[str, str] = {
    "displaced": "a person who left their day-0 place of residence during this run, counted "
                 "once however often they move on (cumulative_displaced). Long-term IDPs "
                 "already in camps on day 0 count only if they flee again.",
    "new displacement (new IDPs)": "people displaced for the first time in this run on a day: "
                                   "the daily increase of the displaced.",
    "peak day": "the day with the most new displacement.",
    "arrivals": "people reaching the destination they chose, per day or summed over the run. A "
                "person who moves on arrives again elsewhere, so arrivals can exceed the "
                "displaced.",
    "returned home": "displaced people back at their day-0 place of residence (0 while the "
                     "model has no returns).",
    "in camps": "displaced people admitted to a camp place.",
    "with host families or rented": "displaced people taken in by host families or in rented "
                                    "housing.",
    "in the open": "displaced people who found no camp or host place left where they arrived: "
                   "in the open or in informal shelter, until they move on (also 'in the open "
                   "air').",
    "waiting at the border": "displaced people at a Turkish border crossing that is closed to "
                             "them or whose daily quota is used up.",
    "on the roads (in transit)": "displaced people on the move: on a road or stopped for the "
                                 "night at a place on the way to their destination.",
    "crossed into Turkey": "displaced people who crossed the border: they have left the "
                           "modelled area and no need here counts them.",
    "not accounted for": "the displaced minus every other row: a check that reads 0 when the "
                         "model conserves people; any other value is shown, not hidden.",
    "women and children": "children (under 18) and women aged 18-59 among the displaced still "
                          "in the area.",
    "camp places": "the people a camp cluster can take: effective places after the "
                   "scenario's scale, which includes the sites opened in the emergency (the "
                   "capacity note says by how much).",
    "host places": "the extra people host communities at a place can take in (after the "
                   "scenario's host scale).",
    "capacity": "camp places plus host places at a destination.",
    "capacity exceeded": f"the first date camp + host occupancy at a destination reaches "
                         f"{FULL_SHARE:.0%} of its camp + host places.",
    "full": f"a camp cluster at {FULL_SHARE:.0%} or more of its capacity.",
    "checkpoint": "a planning date: 72 hours is the end of the third day, 2 weeks of day 14, "
                  "1 month of day 30, 3 months of day 90, and the end of the run.",
    "P50 (median)": "with an ensemble, the middle value over runs; P10 to P90 is the range "
                    "that holds 80 % of runs. One run has no range.",
    "all displaced in the area": "people counted for water, food and household items: "
                                 "displaced and in camps, with hosts, in the open, at the "
                                 "border or on the roads.",
    "displaced without a home to share": "people counted for shelter, latrines and water "
                                         "points: all displaced in the area except those with "
                                         "host families, who share the host's roof, toilets "
                                         "and taps.",
    "displaced needing a site": "people counted for camp land: in camps, in the open and "
                                "waiting at the border.",
    "water": "drinking and domestic water at the Sphere minimum, in m3 per day.",
    "water-truck loads": "truck loads per day to bring that water, at the truck size stated.",
    "water points (taps)": "taps needed at the Sphere maximum of people per tap.",
    "food": "dry food rations by weight, in tonnes per day.",
    "food rations": "daily rations: one per person per day, of the energy and weight stated.",
    "covered shelter": "covered living space at the Sphere minimum, in m2.",
    "family tents": "family tents giving that covered space, at the tent size stated.",
    "camp land": "site area at the Sphere minimum for camp-type settlements, in hectares.",
    "latrines": "communal toilets at the Sphere ratio for the phase of the crisis.",
    "NFI kits": "household kits of non-food items (sleeping, cooking, hygiene), one per "
                "household.",
    "Sphere minimum standard": "the figure per person of The Sphere Handbook (2018) behind "
                               "each need; needs are requirements at that minimum, not gaps.",
}
"""Term -> definition, in the order the memo prints them."""


def head(term: str) -> str:
    """The words of a term before any parenthesis: what a table label must contain."""
    return term.split(" (")[0].strip().lower()


def entry_for(label: str) -> str | None:
    """The glossary term that defines a table label (the longest head it contains), or None."""
    text = label.lower()
    found = [t for t in GLOSSARY if head(t) in text]
    return max(found, key=lambda t: len(head(t))) if found else None


def used_in(text: str) -> dict[str, str]:
    """The entries whose term (its head) occurs in ``text``, in glossary order: a memo lists
    the terms it uses and no others."""
    low = text.lower()
    return {term: definition for term, definition in GLOSSARY.items() if head(term) in low}
