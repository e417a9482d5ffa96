"""The shared context every app's demo seeder receives (see the seed_demo command)."""

import random
from dataclasses import dataclass, field
from datetime import date


@dataclass
class DemoContext:
    children: int
    seed: int
    years: int
    today: date
    password: str
    rng: random.Random
    users: dict = field(default_factory=dict)  # username -> User
    out: object = None  # a write(str) callable for progress lines

    def say(self, message: str) -> None:
        if self.out:
            self.out(message)
