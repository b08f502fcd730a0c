"""Batch scoring speed against a bare NumPy matrix product over the same answers.

Prints the time to score N synthetic assessments with `scoring.batch.BatchScorer`
beside the time of one matrix product (answers x weights) in the same run, their
ratio (target: at most 3x), and the time to score one assessment with the
explainable scorer (target: under 1 ms). Best of several repeats, so background
load on a noisy machine skews the figures as little as possible.

    python bench/score_bench.py [--n 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np

from scoring import Library, check_answers, score_checked
from scoring.batch import ANSWERED, BatchScorer


def synthetic(q, n: int, seed: int = 2026) -> tuple[np.ndarray, list[dict]]:
    """Random answers: each item one of its scores, 5 % "Weiß nicht" (0 in the matrix)."""
    rng = np.random.default_rng(seed)
    matrix = np.empty((n, len(q.items)))
    for col, item in enumerate(q.items):
        levels = [b.score for b in item.bands] if item.type == "number" else sorted({o.score for o in item.options})
        matrix[:, col] = ANSWERED + rng.choice(levels, size=n)
    matrix[rng.random(matrix.shape) < 0.05] = 0.0
    samples = []
    for _ in range(50):
        answers = {}
        for item in q.items:
            if item.type == "number":
                answers[item.id] = int(rng.choice([b.min for b in item.bands]))
            elif item.type == "multi":
                plain = [o.id for o in item.options if not o.exclusive]
                answers[item.id] = list(rng.choice(plain, size=rng.integers(1, len(plain) + 1), replace=False))
            else:
                answers[item.id] = str(rng.choice([o.id for o in item.options]))
        samples.append(answers)
    return matrix, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    q = Library.load().latest
    scorer = BatchScorer(q)
    matrix, samples = synthetic(q, args.n)

    def best(fn, number=1) -> float:
        return min(timeit.repeat(fn, number=number, repeat=args.repeat)) / number

    bare = best(lambda: matrix @ scorer.weights)
    batch = best(lambda: scorer.score(matrix))
    checked = [check_answers(q, a) for a in samples]
    one_checked = best(lambda: [score_checked(q, a) for a in checked], number=5) / len(checked)
    one_full = best(lambda: [score_checked(q, check_answers(q, a)) for a in samples], number=5) / len(samples)
    print(f"questionnaire {q.version}: {len(q.items)} items, {len(q.areas)} areas, {args.n} assessments")
    print(f"bare matrix product      {bare * 1000:9.2f} ms")
    print(f"batch scoring            {batch * 1000:9.2f} ms   ratio {batch / bare:5.2f}x  (target <= 3x)")
    print(f"one assessment, scored   {one_checked * 1000:9.3f} ms   (with explanations; target < 1 ms)")
    print(f"one assessment, checked+scored {one_full * 1000:6.3f} ms")


if __name__ == "__main__":
    main()
