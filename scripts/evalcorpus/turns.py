"""Styles in fixed proportions for the evaluation sets' contexts (sets C to F): options take
turns in shuffled rounds, drawn from the context's own random source ``r``."""

from __future__ import annotations

import random
from typing import TypeVar

T = TypeVar("T")


class Turns:
    r: random.Random
    queues: dict[str, list[object]]

    def turn(self, key: str, options: list[T]) -> T:
        """Options take turns in shuffled rounds, so styles come in fixed proportions."""
        queue = self.queues.setdefault(key, [])
        if not queue:
            queue.extend(options)
            self.r.shuffle(queue)
        return queue.pop()  # type: ignore[return-value]

    def chance(self, p: float) -> bool:
        return self.r.random() < p
