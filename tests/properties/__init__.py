"""Property tests (Hypothesis): random tiny worlds and scenarios, checked on every day of a run.

As xarray's ``properties/``: the hand-made tests elsewhere check the cases someone thought
of; these generate hundreds of small regions (3-12 places, random roads, crossings, camps and
offensives) and assert what must hold whatever the input - people conserved, camps never
filled past capacity by admissions, no crossing through a closed border, nobody moving into
government-held ground, and the same seed giving the same dataset.
"""
