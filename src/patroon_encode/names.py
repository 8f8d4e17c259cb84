"""Dutch call names (roepnamen): the register name a common short form stands for.

An agency writes what a person is called ("Koos", "Joke"), the population register the
baptismal name ("Jacobus", "Johanna"); string similarity cannot see that these agree. The
table holds well-known Dutch forms only, folded like every linkage field; a name not in it
has no canonical form, so it only ever matches itself or similar spellings.
"""

from __future__ import annotations

_GROUPS = (
    "jacobus: jaap koos sjaak co",
    "johannes: jan hans johan joop hannes",
    "petrus: piet peter",
    "wilhelmus: willem wim pim",
    "cornelis: kees cor",
    "hendrikus: hendrik henk rik",
    "gerardus: gerard gert",
    "adrianus: arie adrie ad",
    "franciscus: frans",
    "antonius: toon ton anton",
    "theodorus: theo dorus",
    "josephus: joost sjef jos",
    "lambertus: bert",
    "albertus: albert",
    "nicolaas: klaas niek",
    "johanna: anneke joke hanneke jo",
    "wilhelmina: willy mien wilma",
    "cornelia: corrie nel nelleke cor",
    "maria: mies ria marja",
    "elisabeth: els lies betty",
    "catharina: toos tineke karin",
    "hendrika: riek henny",
    "petronella: nel ellie",
    "geertruida: truus",
    "margaretha: greet grietje margriet",
    "jacoba: coby co",
    "eva: eefje",
    "adriana: jeanne adrie",
)
CALL_NAMES: dict[str, str] = {}
for _group in _GROUPS:
    _canonical, _, _forms = _group.partition(": ")
    for _form in (_canonical, *_forms.split()):
        CALL_NAMES.setdefault(_form, _canonical)
