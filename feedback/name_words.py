"""The word lists the name matcher judges a spelling by: names that are ordinary words
(in English, German, French and Spanish), function words, dates, honorifics and legal
suffixes (moved out of feedback/names.py, #19)."""

from __future__ import annotations

import re

from .folding import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also ordinary words: matched case-aware only (see the module docstring).
COMMON_WORD_NAMES = _words(
    """
    will mark bill may june april august grace hope rose joy faith art frank sue pat don guy
    rich long young brown white green black gray grey king hill wood woods ford cook baker case
    price field page bell lane rice stone hunt ward dawn summer autumn amber ruby pearl ivy
    holly lily daisy heather violet iris crystal honey penny sandy rocky buck chase drew gene
    jack jean ken lance miles nick norm ray rob rod sky wade warren carter clay cross day dean
    fisher fox hall hart hawk hay knight lamb law little mason marsh moss oak park parker payne
    pool porter potter power reed rivers sharp short small snow spring steel strong swift wall
    walker waters well wells west east north south wise wolf best bond booth brook brooks bush
    chambers church crane dale dove fair finch flower flowers frost gold good graves hardy hale
    house hunter keen kind land lord love lucky major march mercy more new noble pike rock rush
    sage salt savage shepherd sterling street sweet tree true trust vale vine wing wren sunny
    sonny earl duke prince queen baron page bishop butler barber carpenter turner taylor miller
    singer dyer glass gardner gardener mills summers winter winters storm rain river lake bay
    marsh heath cliff glen dell forest forrest rowe rowan sparrow robin jay teal olive hazel
    willow basil sterling cash gay guest bright lovely chance angel bliss story faith unity
    liberty justice destiny harmony melody patience prudence charity constance felicity honor
    honour apple shell target orange next amazon oracle sage visa total vodafone boots argos
    tesco
    """
)

# The same in German, French and Spanish (lower case, accents as written; matching folds
# them): surnames and first names that are ordinary words there ("Koch", "Winter",
# "Petit", "Blanc", "Luz", "Paz"). Matched case-aware like the English ones.
COMMON_WORD_NAMES_DE = _words(
    """
    koch bauer fischer weiss weiß klein lange lang winter sommer kaiser konig könig richter
    meister jung alt wolf fuchs vogel hahn engel kraus krause braun schwarz roth rot stein
    berg busch bach wald feld strauss strauß ernst frei hell kurz gross groß glück heil
    hase adler falke rabe taube fink schmied schuster schneider bäcker becker zimmermann
    schreiber jäger jaeger wirt hirsch baum brand frühling herbst mai
    """
)
COMMON_WORD_NAMES_FR = _words(
    """
    petit blanc noir rouge brun leblanc lebrun boulanger marchand fontaine bonheur roux rose
    pierre fort leroy roy roi prince duc comte lion loup renard chevalier berger boucher
    meunier pasteur bois dubois lac mer soleil fleur lune blanche aimé juste bon bonne
    jeune lefort clair claire vivant dimanche printemps avril mars
    """
)
COMMON_WORD_NAMES_ES = _words(
    """
    blanco moreno rubio delgado calvo rico bueno bravo leal cruz luz paz rosa dolores angel
    ángel castillo vega campo campos prado flores rios ríos nieves pilar mercedes rocio
    rocío sol soledad consuelo esperanza amparo aurora leon león lobo palomo toro cordero
    caballero iglesias fuentes santos guerra montes nuevo rey feliz abril marzo mayo
    """
)
# Ordinary words of those languages that are also names somewhere in a large register
# (articles, pronouns, adjectives: "Die", "Vos", "Gros", "Grande", "Ante"); an
# organisation's first word is among them as often as a person's name.
ORDINARY_WORDS_DE_FR_ES = _words(
    """
    der die das den dem des ein eine einer einem einen und oder auch aber ist im am zum zur
    vom beim wir sie ihr ihre unser unsere gut neu alle viel
    le la les un une des du et ou est vos nos ses ces leur sur dans pour par avec sans gros
    grand grande petite nouveau nouvelle tout toute
    el los las una unos unas en con por para sin del al su sus ante bajo gran nada todo
    """
)
COMMON_WORD_NAMES = (
    COMMON_WORD_NAMES
    | ORDINARY_WORDS_DE_FR_ES
    | COMMON_WORD_NAMES_DE
    | COMMON_WORD_NAMES_FR
    | COMMON_WORD_NAMES_ES
)

# German capitalises every noun, so in German text a capital says nothing about a name
# that is also a German noun ("der Koch", "im Winter", "die Richter"): an outsider's such
# name alone is taken for the name only after a title ("Frau Winter", "Herr Koch").
GERMAN_NOUN_NAMES = _words(
    """
    koch bauer fischer winter sommer kaiser konig richter meister wolf fuchs vogel hahn
    engel stein berg busch bach wald feld ernst glück gluck heil hase adler falke rabe taube
    fink schmied schuster schneider bäcker backer zimmermann schreiber jäger
    jager wirt hirsch baum brand frühling fruhling herbst mai
    """
)
_GERMAN_WORDS = _words(
    """
    der die das und ist nicht wir ein eine einen einem zu mit fur auf im am den dem sie es
    uns unser unsere unserer unseren ihr ihre ihren ihnen bei von vom zum zur beim sind
    haben hat war waren wird wurde auch aber noch nur sehr oft wieder als vor nach uber
    kein keine wenn dass diesen dieser dieses kommt in
    """
)
_TITLES_BEFORE_NAMES = _words("herr frau hr fr dr prof mr mrs ms")


def looks_german(folded: str) -> bool:
    """Whether a text reads as German (a few of its commonest words, folded)."""
    words = re.findall(r"[a-z]+", folded.lower())
    return sum(w in _GERMAN_WORDS for w in words) >= 2


# After a capitalised common-word name at the start of a sentence, these words show the
# name is the ordinary word ("Will you …", "Mark the …", "May we …").
FUNCTION_WORDS = _words(
    """
    you we they it this that these those the a an there he she i our your my their his her its
    anyone someone everyone everybody somebody all any each every no not some
    us me him them up down out off away
    """
)

# Month names that are also first names: "in May", "since June", "May 2025" are dates.
MONTH_NAMES = _words("april may june july august march")
DATE_WORDS = _words(
    """
    in since until till by from before after of during next last early late mid this
    """
)

# Particles of names ("Ludwig van Beethoven", "María de la Cruz") and words that are never
# a name alone: they are kept in full names, never matched on their own.
NOT_NAMES_ALONE = _words(
    """
    van von der den de del della di da das dos du la le les ten ter te af av bin ibn al el y
    e i o a an the and und et of at in on to for by mc st
    """
)

HONORIFICS = _words(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev
    """
)
LEGAL_SUFFIXES = _words(
    """
    ltd ltd. limited inc inc. incorporated llc llp plc gmbh ag sa s.a. sas sarl bv nv oy ab as
    a/s spa s.p.a. srl s.r.l s.r.l. s.a.s s.a.s. kg kgaa sl s.l. ltda pty co co. corp corp.
    corporation company group holdings holding
    """
)
# First words of organisation names too generic to stand alone as a name.
GENERIC_ORGANISATION_WORDS = _words(
    """
    the global national international united first general royal british american european
    central north south east west northern southern eastern western city metro premier prime
    standard universal advanced applied digital smart green blue red new old great grand modern
    total national allied associated consolidated continental pacific atlantic
    """
)


# The word lists as the matcher compares them (accents folded: "könig" is "konig").
COMMON_WORD_NAMES = COMMON_WORD_NAMES | frozenset(fold(w) for w in COMMON_WORD_NAMES)
GERMAN_NOUN_NAMES = GERMAN_NOUN_NAMES | frozenset(fold(w) for w in GERMAN_NOUN_NAMES)
