"""Scoring speed: many synthetic assessments scored one by one, with explanations.

Prints the time to check and score one assessment with `scoring.score_checked` (target:
under 1 ms), taken as the best of several repeats over a loop of N synthetic assessments,
so background load on a noisy machine skews the figures as little as possible. (The
vectorised batch scorer and its "at most 3x a matrix product" target were dropped with
`scoring/batch.py`: nothing in the product scored in batches; see docs/performance.md.)

    python bench/score_bench.py [--n 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import timeit
from typing import Any

from scoring import Library, check_answers, score_checked
from scoring.model import DONT_KNOW, Questionnaire


def synthetic(q: Questionnaire, n: int, seed: int = 2026) -> list[dict[str, Any]]:
    """Random answers: each item one of its answers, 5 % "Weiß nicht"."""
    rng = random.Random(seed)
    samples = []
    for _ in range(n):
        answers: dict[str, Any] = {}
        for item in q.items:
            if rng.random() < 0.05:
                answers[item.id] = DONT_KNOW
            elif item.type == "number":
                answers[item.id] = rng.choice([b.min for b in item.bands])
            elif item.type == "multi":
                plain = [o.id for o in item.options if not o.exclusive]
                answers[item.id] = rng.sample(plain, rng.randint(1, len(plain)))
            else:
                answers[item.id] = rng.choice([o.id for o in item.options])
        samples.append(answers)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    q = Library.load().latest
    samples = synthetic(q, args.n)
    checked = [check_answers(q, a) for a in samples]

    def best(fn: Any) -> float:
        return min(timeit.repeat(fn, number=1, repeat=args.repeat)) / args.n

    scored = best(lambda: [score_checked(q, a) for a in checked])
    full = best(lambda: [score_checked(q, check_answers(q, a)) for a in samples])
    print(f"questionnaire {q.version}: {len(q.items)} items, {len(q.areas)} areas, {args.n} assessments in a loop")
    print(f"one assessment, scored         {scored * 1000:6.3f} ms   (with explanations; target < 1 ms)")
    print(f"one assessment, checked+scored {full * 1000:6.3f} ms")
    print(f"{args.n} assessments, checked+scored {full * args.n:6.2f} s")


if __name__ == "__main__":
    main()
