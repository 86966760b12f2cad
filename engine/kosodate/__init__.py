"""The childcare (子育て) procedures' code: the child allowance amount, and the guards and
effects their definitions name. Importing the package registers them."""

from engine.kosodate import effects as _effects  # noqa: F401 - registers the effects
from engine.kosodate import guards as _guards  # noqa: F401 - registers the guards
