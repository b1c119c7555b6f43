"""The sample shop's people: names from Faker pools in the languages a British high street
hears, with email addresses, valid UK phone numbers typed the ways people type them, and
addresses near the shop (or further off, for those who order online)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from faker import Faker

from desktop.shop.text import clean_line, fold

# "town | postcode districts | phone area code and the first digit after it"; the first
# LOCAL_TOWNS are near the shop, where people who come in live.
TOWNS_TEXT = """
Bristol | BS6 BS7 BS3 | 0117 9
Bath | BA1 BA2 | 01225
Keynsham | BS31 | 0117 9
Portishead | BS20 | 01275
Thornbury | BS35 | 01454
London | N1 E8 SE15 SW4 | 020 7
Manchester | M20 M21 | 0161
Oxford | OX4 | 01865
Brighton | BN1 BN2 | 01273
Norwich | NR2 | 01603
Exeter | EX4 | 01392
Glasgow | G12 | 0141
Liverpool | L17 | 0151
York | YO10 | 01904
"""
LOCAL_TOWNS = 5
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Mobile ranges that phonenumbers holds valid, and British (not Manx or Channel Islands).
MOBILE_PREFIXES = [
    f"07{n}" for n in (*range(40, 50), 51, *range(53, 60), *range(71, 78), 80, 81, *range(84, 89))
]

# The languages people's names come from, and how many in a hundred.
LOCALES = """en_GB:56 pl_PL:6 en_IE:4 de_DE:4 fr_FR:4 zh_CN:4 el_GR:3 ru_RU:3 es_ES:3 it_IT:3
uk_UA:2 ja_JP:2 tr_TR:2 pt_PT:2 ar_AA:1 hi_IN:1"""
FAMILY_NAME_FIRST = {"zh_CN", "ja_JP"}
IRISH_FIRST = ("Zoë", "Siobhán", "Seán", "Renée", "Chloë", "Niamh", "Aoife", "Éabha")
IRISH_LAST = ("O'Brien", "Ó'Brien", "D'Arcy", "O'Neill", "Smith-Jones", "Ní Bhriain")
EMOJI = ("🌻", "🌿", "☕", "🎉", "🐝", "🍵")
# Reserved domains (RFC 2606/6761): trying a campaign on the sample shop emails nobody real.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example")
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Gardens", "Terrace")

# How people come, and the share of customers who come so (see _visit_days).
SEGMENTS = {
    "weekly": 0.02,
    "monthly": 0.11,
    "seasonal": 0.10,
    "occasional": 0.31,
    "one_off": 0.35,
    "lapsed": 0.08,
    "never": 0.03,
}


@dataclass(frozen=True)
class Town:
    name: str
    districts: list[str]
    area_code: str
    lead: str  # the first digit of local numbers that are valid there ("" for any)


def _parse_towns() -> list[Town]:
    towns = []
    for line in TOWNS_TEXT.strip().splitlines():
        name, districts, phone = line.split(" | ")
        area_code, _, lead = phone.partition(" ")
        towns.append(Town(name, districts.split(), area_code, lead))
    return towns


TOWNS = _parse_towns()


@dataclass(slots=True)
class Person:
    name: str
    email: str | None  # as typed
    phone: str | None  # as typed
    address: tuple[str, str, str, str]  # line 1, line 2, town, postcode
    habit: int  # index into CHANNEL_HABITS
    favourite: int  # index into the demo's CATALOGUE
    segment: str
    visits: list[int] = field(default_factory=list)  # (UTC seconds << 2) | channel, in order
    joined: int = 0  # UTC seconds


class People:
    """Makes people from pools of Faker names (Faker is slow per call; pools are not)."""

    def __init__(self, rng: random.Random, seed: int, favourites: int) -> None:
        self.rng = rng
        self.favourites = favourites  # how many shelves a favourite is chosen from
        self.pools: dict[str, tuple[list[tuple[list[str], list[str]]], list[str]]] = {}
        self.locales: list[str] = []
        self.weights: list[int] = []
        for item in LOCALES.split():
            locale, weight = item.split(":")
            self.locales.append(locale)
            self.weights.append(int(weight))
            fake = Faker(locale)
            fake.seed_instance(seed)
            pairs = [
                (_unique(fake.first_name_female), _unique(fake.last_name_female)),
                (_unique(fake.first_name_male), _unique(fake.last_name_male)),
            ]
            self.pools[locale] = (pairs, _unique(fake.user_name))
        for firsts, lasts in self.pools["en_IE"][0]:
            firsts.extend(IRISH_FIRST)
            lasts.extend(IRISH_LAST)
        self.segments, self.shares = list(SEGMENTS), list(SEGMENTS.values())
        # Taken email addresses and national phone numbers: every customer has their own.
        self.taken: set[str] = set()

    def make(self, count: int) -> list[Person]:
        return [self._person(number) for number in range(count)]

    def _person(self, number: int) -> Person:
        rng = self.rng
        locale = rng.choices(self.locales, self.weights)[0]
        pairs, handles = self.pools[locale]
        firsts, lasts = pairs[rng.random() < 0.5]
        first, last = rng.choice(firsts), rng.choice(lasts)
        name = f"{last}{first}" if locale in FAMILY_NAME_FIRST else f"{first} {last}"
        if rng.random() < 0.004:
            name = f"{name} {rng.choice(EMOJI)}"
        name = clean_line(name, "name", required=True)  # as the shop stores a typed name
        habit = rng.choices((0, 1, 2), (70, 25, 5))[0]
        town = rng.choice(TOWNS if habit == 1 else TOWNS[:LOCAL_TOWNS])
        return Person(
            name=name,
            email=self._email(number, first, last, handles) if rng.random() < 0.75 else None,
            phone=self._phone(town) if rng.random() < 0.68 else None,
            address=self._address(town) if rng.random() < 0.75 else ("", "", "", ""),
            habit=habit,
            favourite=rng.randrange(self.favourites),
            segment=rng.choices(self.segments, self.shares)[0],
        )

    def _email(self, number: int, first: str, last: str, handles: list[str]) -> str:
        rng = self.rng
        given, family = _ascii_letters(first), _ascii_letters(last)
        if len(given) < 2 or len(family) < 2:
            local = rng.choice(handles)
        else:
            local = rng.choice((f"{given}.{family}", f"{given}{family}", f"{given[0]}{family}"))
        address = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        while address in self.taken:
            address = address.replace("@", f"{number}@", 1)
        self.taken.add(address)
        return address

    def _phone(self, town: Town) -> str:
        """A valid UK number, a mobile or a landline near home, typed in the ways people do."""
        rng = self.rng
        while True:
            if rng.random() < 0.8:
                digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
                typed = rng.choice((f"{digits[:5]} {digits[5:]}", f"+44 {digits[1:]}", digits))
            else:
                size = 11 - len(town.area_code) - len(town.lead)
                local = town.lead + str(rng.randrange(2 * 10 ** (size - 1), 10**size))
                digits = town.area_code + local
                typed = rng.choice((f"{town.area_code} {local}", f"({town.area_code}) {local}"))
            if digits not in self.taken:
                self.taken.add(digits)
                return typed

    def _address(self, town: Town) -> tuple[str, str, str, str]:
        rng = self.rng
        street = rng.choice(self.pools["en_GB"][0][0][1])
        line1, line2 = f"{rng.randint(1, 180)} {street} {rng.choice(STREET_KINDS)}", ""
        if rng.random() < 0.12:
            line1, line2 = f"Flat {rng.randint(1, 24)}", line1
        inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        return line1, line2, town.name, f"{rng.choice(town.districts)} {inward}"


def _unique(make: Callable[[], object], draws: int = 150) -> list[str]:
    """Distinct values in the order drawn (never a set: its order changes between runs)."""
    return list(dict.fromkeys(str(make()) for _ in range(draws)))


@cache  # names come from small pools, so the same few hundred words recur
def _ascii_letters(value: str) -> str:
    return "".join(ch for ch in fold(value) if "a" <= ch <= "z")
