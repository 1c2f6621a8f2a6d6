"""Near-identical inquiries, grouped so one approved reply can answer them all.

In a crisis many people ask the same thing in slightly different words
("Gjelder kokevarselet Furuset?", "gjelder koke varselet for furuset??").
Texts are compared with rapidfuzz's token-sort ratio after folding case and
punctuation, so word order and small typos matter little while a different
place name keeps two questions apart. Grouping is greedy and stable: oldest
first, each inquiry joins the first group whose first member it resembles.
Staff confirm every group before anything is sent.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, utils

THRESHOLD = 85  # 0-100; below this, two texts are different questions


def similar_groups(items: list[dict[str, Any]], threshold: int = THRESHOLD) -> list[list[str]]:
    """Ids of items (`{"id", "text"}`, oldest first) in groups of two or more."""
    groups: list[tuple[str, list[str]]] = []  # (the first member's folded text, ids)
    for item in items:
        text = utils.default_process(item["text"])
        for first, ids in groups:
            if fuzz.token_sort_ratio(text, first, processor=None) >= threshold:
                ids.append(item["id"])
                break
        else:
            groups.append((text, [item["id"]]))
    return [ids for _, ids in groups if len(ids) > 1]
