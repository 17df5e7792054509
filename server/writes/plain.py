"""User errors in plain language, for people reading them next to a form field.

The write modules name input fields as the API spells them (`periodEnd`,
`alignments.1.share`) and sometimes the mutation to use instead (`goalMove`); a
person filling in a form knows neither. `plain` turns those names into words ("the
period end", "the share of alignment 2") and drops mutation names, at the one place
refusals become API errors (`schema.core.mutations.perform`). The `field` of an error
keeps the API name, so a client can still place the message.
"""

from __future__ import annotations

import re

# Names that read better otherwise than split into words.
WORDS = {
    "id": "this item",
    "url": "address",
    "content": "uploaded file",
    "startsAt": "start time",
    "endsAt": "end time",
    "checkedInAt": "check-in time",
    "expiresAt": "expiry",
    "refreshMinutes": "refresh interval",
    "estimateHours": "estimate",
    "assigneeId": "assignee",
    "parentId": "parent goal",
}
# Mentions of another mutation: advice for integrators, noise in a form.
MUTATION_MENTION = re.compile(
    r",? (?:with|using) `[a-z]+[A-Z]\w*`|\s*\((?:[a-z]+[A-Z]\w*)\)|`([a-z]+[A-Z]\w*)`(?=\))"
)
QUOTED = re.compile(r"`\$?([A-Za-z][\w.]*)`")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Enum values of several words shown as codes (IN_PROGRESS); one-word values (EMAIL,
# VIEWER) read as words already and currency codes must stay as they are.
CODE = re.compile(r"\b[A-Z]+(?:_[A-Z]+)+\b")
# "`ownerTeamId` names no Team." reads "The owner team does not exist."
REFERENCES = (
    (re.compile(r" names no [A-Z]\w*\."), " does not exist."),
    (re.compile(r" names an archived [A-Z]\w*\."), " is archived."),
)


def words(name: str) -> str:
    """An API field name as words: `ownerTeamId` -> "owner team", `teamIds` -> "teams"."""
    if name in WORDS:
        return WORDS[name]
    if name.endswith("Ids"):
        name = name[:-3] + "s"
    elif name.endswith("Id") and len(name) > 2:
        name = name[:-2]
    return " ".join(part.lower() for part in CAMEL.split(name) if part)


def field_words(path: str) -> str:
    """A dotted input path as words: `alignments.1.share` -> "the share of alignment 2",
    `filter.teams` -> "the teams of the filter"."""
    parts = [part for part in path.removeprefix("input.").split(".") if part]
    if not parts:
        return path
    rest = parts[:-1]
    if parts[-1].isdigit() and rest:
        phrase = f"{_singular(words(rest.pop()))} {int(parts[-1]) + 1}"
    else:
        phrase = f"the {words(parts[-1])}"
    while rest:
        last = rest.pop()
        if last.isdigit() and rest:
            phrase += f" of {_singular(words(rest.pop()))} {int(last) + 1}"
        elif not last.isdigit():
            phrase += f" of the {words(last)}"
    return phrase


def _singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun


def _code(match: re.Match[str]) -> str:
    return match.group(0).replace("_", " ").lower()


def plain(message: str) -> str:
    """`message` without backticks, field codes or mutation names."""
    text = MUTATION_MENTION.sub("", message)
    text = QUOTED.sub(lambda match: field_words(match.group(1)), text)
    for pattern, replacement in REFERENCES:
        text = pattern.sub(replacement, text)
    text = CODE.sub(_code, text.replace("`", ""))
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return text[:1].upper() + text[1:]
