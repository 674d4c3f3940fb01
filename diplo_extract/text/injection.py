"""Text inside an article that addresses a language model instead of readers: a prompt injection.

An article is data. A sentence that tells "the model" to ignore its instructions, to report something else or
to take on a role is no reporting of anything: the pipeline keeps it out of what the model reads (and warns),
because a 1.5B model follows such a sentence even when told not to.
"""

from __future__ import annotations

import re

_ADDRESSED_TO_A_MODEL = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|guidelines|"
    r"directions|context|above|previous)\b"
    r"|\b(?:system prompt|you are now|as an? (?:ai|language model|assistant)|new instructions?|"
    r"developer mode|jailbreak)\b"
    r"|\b(?:report|output|answer|respond|return|say) (?:only|nothing else|exactly)\b"
    r"|\bthe only (?:meeting|interaction|event|answer)\b[^.!?\n]{0,60}\b(?:is|was|report)\b"
    r"|игнорир\w* (?:все |всех )?(?:предыдущ|инструкц)|忽略(?:之前|以上|所有)[^。]{0,10}(?:指令|指示)"
    r"|bỏ qua (?:mọi |tất cả )?(?:hướng dẫn|chỉ dẫn)",
    re.IGNORECASE)


def addresses_a_model(sentence: str) -> bool:
    """Whether a sentence gives instructions to a language model rather than reporting news."""
    return bool(_ADDRESSED_TO_A_MODEL.search(sentence))
