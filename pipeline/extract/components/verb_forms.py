"""What a French verb form says of time: the future or conditional a signature has not happened in,
the bare participle that qualifies a noun rather than report an event, a signature placed after
what the text tells ("avant de signer") or that a coming visit is for ("visitera X pour la
signature"), and the present passive that tells a state ("est jumelée avec").

Shared by the agreements component (a mention's status) and the assembler (which clause reports
a signature). The tagger's morphology is the first word; the ending checks what it says.
"""

from __future__ import annotations

from spacy.tokens import Token

# What follows the infinitive's "r" in the future and the conditional: "signer-a", "signer-aient".
AFTER_THE_R = ("a", "as", "ai", "ont", "ons", "ez", "ait", "aient", "ions", "iez")


def future_forms(verb: str) -> list[str]:
    """Future and conditional forms of a signing verb: "signera", "signeront", "signerait"."""
    stem = verb[:-1] if verb.endswith("re") else verb
    return [stem + ending for ending in AFTER_THE_R]


# The endings of every French future and conditional form ("signera", "seront", "aurait", "serais").
FUTURE_ENDINGS = (*("r" + ending for ending in AFTER_THE_R), "rais")


def is_hypothetical(token: Token) -> bool:
    """A verb in the future or the conditional: what may be, not what is ("signera", "serait"). The
    tagger's tense is checked against the ending: it reads some present forms as futures ("se
    matérialise")."""
    tagged = "Fut" in token.morph.get("Tense") or "Cnd" in token.morph.get("Mood")
    return tagged and token.lower_.endswith(FUTURE_ENDINGS)


def hypothetical_verb(verb: Token) -> bool:
    """The verb, or its auxiliary, in the future or the conditional ("signera", "sera signée")."""
    return is_hypothetical(verb) or any(is_hypothetical(child) for child in verb.children if child.dep_.startswith("aux"))


def bare_participle(token: Token) -> bool:
    """A past participle with no auxiliary: it qualifies a noun ("un accord, signé en 2011") rather
    than report the sentence's event ("l'accord a été signé")."""
    return "Part" in token.morph.get("VerbForm") and not any(child.dep_.startswith("aux") for child in token.children)


def before_doing(cue: Token) -> bool:
    """"avant de signer", "avant de conclure": an infinitive the text places after what it tells."""
    doc = cue.doc
    return cue.pos_ == "VERB" and "Inf" in cue.morph.get("VerbForm") and cue.i >= 2 and doc[cue.i - 1].lower_ in ("de", "d'") and doc[cue.i - 2].lower_ == "avant"


# How far before "pour la signature" its verb may stand ("visitera la « capitale des Zianides », ce lundi, pour")
PURPOSE_REACH = 16


def purpose_verb(cue: Token) -> Token | None:
    """The verb a signing noun is the purpose of ("visitera Tlemcen, ce lundi, pour la signature"):
    its head, or, when the parser hangs the noun elsewhere, the nearest verb before "pour"."""
    if cue.pos_ != "NOUN" or not any(c.lower_ == "pour" and c.dep_ == "case" for c in cue.children):
        return None
    if cue.head.pos_ in ("VERB", "AUX"):
        return cue.head
    sentence = cue.sent
    return next((t for t in reversed(cue.doc[max(sentence.start, cue.i - PURPOSE_REACH) : cue.i]) if t.pos_ in ("VERB", "AUX")), None)


def state_passive(participle: Token) -> bool:
    """"est jumelée", "sont jumelées": a participle whose passive auxiliary is in the present, with
    no word of a new beginning ("désormais", "officiellement", "aujourd'hui")."""
    auxiliaries = [c for c in participle.children if c.dep_ == "aux:pass"]
    if not auxiliaries or "Pres" not in auxiliaries[0].morph.get("Tense"):
        return False
    return not any(c.lower_ in ("désormais", "officiellement", "aujourd'hui", "dorénavant", "maintenant") for c in participle.children)
