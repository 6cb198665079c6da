"""The synthetic corpus of the content benchmarks: N pages per language, en/ar/ne scripts,
about 600 Zipf-distributed words each, a fifth of the translations outdated."""

from __future__ import annotations

import itertools
import random
import shutil
from pathlib import Path

from migrant_info.content.model import TOPICS, content_hash
from migrant_info.locales import SOURCE_LANG

DATA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "content" / "data"
ENGLISH = (
    "worker employer contract passport wages salary visa agency fee recruitment embassy rights "
    "law court complaint police helpline money transfer bank remittance family home country "
    "month week day hour overtime rest leave sick insurance health doctor housing food travel "
    "ticket airport document copy sign read understand ask help safe danger trafficking debt "
    "loan interest broker license permit sponsor change job return deport detention lawyer "
    "union union union free cost receipt proof record phone number call message report"
).split()
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
DEVANAGARI_CONSONANTS = "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह"
DEVANAGARI_SIGNS = ["", "ा", "ि", "ी", "ु", "ू", "े", "ै", "ो", "ौ", "ं"]
WORDS_PER_PAGE = 600


def vocabulary(lang: str, rng: random.Random, size: int = 4000) -> list[str]:
    """Words of one script: real English words plus made-up ones, in Zipf-ish order."""
    if lang == "ar":
        made = ("".join(rng.choices(ARABIC_LETTERS, k=rng.randint(3, 7))) for _ in range(size))
    elif lang == "ne":
        made = (
            "".join(
                c + rng.choice(DEVANAGARI_SIGNS) for c in rng.choices(DEVANAGARI_CONSONANTS, k=3)
            )
            for _ in range(size)
        )
    else:
        syllables = ["ka", "lo", "mi", "ren", "ta", "vo", "sun", "pe", "dra", "ix"]
        made = ("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size))
    words = list(dict.fromkeys([*ENGLISH, *made] if lang == "en" else made))
    return words


def vocabularies(langs: list[str], seed: int = 1) -> dict[str, list[str]]:
    """The same vocabularies for the corpus and for the queries."""
    rng = random.Random(seed)
    return {lang: vocabulary(lang, rng) for lang in langs}


def sentence(words: list[str], weights: list[float], rng: random.Random, n: int) -> str:
    """n words drawn with a Zipf-like frequency (`weights` are cumulative)."""
    text = " ".join(rng.choices(words, cum_weights=weights, k=n))
    return text[0].upper() + text[1:] + "."


def body(words: list[str], weights: list[float], rng: random.Random) -> str:
    """About 600 words: headings, paragraphs and a list, like a real page."""
    parts, count = [], 0
    while count < WORDS_PER_PAGE:
        parts.append(f"## {sentence(words, weights, rng, 4)[:-1]}")
        for _ in range(2):
            parts.append(" ".join(sentence(words, weights, rng, 12) for _ in range(5)))
            count += 60
        parts.append("\n".join(f"- {sentence(words, weights, rng, 8)}" for _ in range(4)))
        count += 36
    return "\n\n".join(parts) + "\n"


def generate(content: Path, pages: int, langs: list[str], seed: int = 1) -> None:
    """Write `pages` pages per language (translations of the English ones) and the data files."""
    rng = random.Random(seed)
    shutil.copytree(DATA, content / "data")
    vocab = vocabularies(langs, seed)
    weights = list(
        itertools.accumulate(1 / (rank + 1) for rank in range(max(map(len, vocab.values()))))
    )
    for number in range(pages):
        topic, slug = TOPICS[number % len(TOPICS)], f"page-{number:05d}"
        source_hash = ""
        for lang in [SOURCE_LANG, *(lang for lang in langs if lang != SOURCE_LANG)]:
            words = vocab[lang]
            w = weights[: len(words)]
            title = sentence(words, w, rng, 5)[:-1]
            summary = sentence(words, w, rng, 10)[:150]
            text = body(words, w, rng)
            if lang == SOURCE_LANG:
                meta = (
                    "reviewed: 2026-01-15\nsources:\n  - title: ILO\n"
                    "    url: https://www.ilo.org/\n"
                )
                source_hash = content_hash(title, summary, text)
            else:
                stamp = source_hash if number % 5 else "0123456789abcdef"  # a fifth outdated
                meta = f"source_hash: '{stamp}'\ntranslated_by: machine\n"
            page = content / lang / topic / f"{slug}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(
                f"---\ntitle: {title}\nsummary: {summary}\n{meta}---\n{text}", encoding="utf-8"
            )
