"""The municipality's channels, and the defaults the registry starts from.

Each channel has an owner, one responsible editor, its limits and the text
that tells the public what to expect there [000][002][004]. The defaults
follow the Oslo guidelines; an admin changes them through the registry
(`crisis.channels.model.ChannelRegistry`), which is what the rules read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

WEBSITE = "website"

# active: publishing allowed; inactive: a reserved name, not in use; retired: gone for good.
STATUSES = ("active", "inactive", "retired")
# How a post's length is counted: characters, X's weighted count, or SMS segments.
COUNTINGS = ("chars", "x", "sms")

OWNER = "Kommunikasjonsseksjonen ved Byrådslederens kontor (BLK)"
EDITOR = "Kommunaldirektør for BLK"


@dataclass(frozen=True)
class Channel:
    key: str
    name: str
    role: str
    dialogue: bool = True  # False: publishing only, inquiries are not answered there
    status: str = "active"
    owner: str = OWNER
    editor: str = EDITOR
    counting: str = "chars"
    max_chars: int | None = None
    max_segments: int | None = None  # SMS only
    advised_chars: int | None = None  # longer than this gets a warning, not a refusal
    advice: str = ""  # why shorter is better, shown with that warning
    expectations: str = ""  # what the public can expect here, in bokmål

    @property
    def canonical(self) -> bool:
        return self.key == WEBSITE

    @property
    def publishing(self) -> bool:
        return self.status == "active"

    def as_record(self) -> dict:
        return asdict(self)

    def changed(self, **changes: Any) -> Channel:
        return replace(self, **changes)


# The fields an admin may change (the key never changes; retiring has its own command).
EDITABLE = tuple(f.name for f in fields(Channel) if f.name not in ("key",))

_NO_CASES = (
    "Vi driver ikke saksbehandling her: søknader, klager og spørsmål om din egen sak "
    "sender du til postmottak. Ikke del personopplysninger om deg selv eller andre."
)
_DELETED = (
    "Hatefulle ytringer, personhets, grov sjikane og spam slettes, og sensitive "
    "personopplysninger fjernes så snart vi ser dem."
)
_OFFICE_HOURS = "i arbeidstiden, mandag–fredag kl. 08.00–15.30"

DEFAULT_CHANNELS = {
    c.key: c
    for c in (
        Channel(
            WEBSITE,
            "Nettsiden",
            "Kommunens egen, universelt utformede kanal: viktig informasjon kommer her først.",
            dialogue=False,
            expectations="Nettsiden er kommunens offisielle kilde: viktig informasjon publiseres "
            "alltid her først. Spørsmål og saker sender du til postmottak, som svarer etter "
            "forvaltningslovens regler.",
        ),
        Channel(
            "facebook",
            "Facebook",
            "Dialog med innbyggerne og beredskapsmeldinger.",
            max_chars=63206,
            advised_chars=250,
            advice="Korte innlegg fungerer best, og de første ordene avgjør om folk leser videre.",
            expectations=f"Vi svarer på spørsmål {_OFFICE_HOURS}, så langt det er mulig innen "
            "24 timer. Ved store hendelser kan vi ikke svare alle, men vi retter opp feil og "
            f"rykter. {_NO_CASES} {_DELETED}",
        ),
        Channel(
            "x",
            "X",
            "Informasjon til presse og politikere; bare enkle spørsmål besvares.",
            counting="x",
            max_chars=280,
            advised_chars=140,
            advice="Retningslinjene sier 140 tegn: skriv kort og lenk til nettsiden.",
            expectations=f"Vi bruker X til informasjon og svarer bare på enkle spørsmål, "
            f"{_OFFICE_HOURS}. Det legges ikke opp til dialog her; still spørsmål på Facebook "
            f"eller via nettsiden. {_NO_CASES} Spam og ulovlig innhold slettes.",
        ),
        Channel(
            "sms",
            "SMS-varsel",
            "Varsling av innbyggere i berørt område.",
            dialogue=False,
            counting="sms",
            max_segments=3,
            expectations="SMS-varsel sendes til mobiltelefoner i berørt område ved akutte "
            "hendelser. Meldingen kan ikke besvares; les mer og still spørsmål på nettsiden. "
            "Ikke send personopplysninger til avsendernummeret.",
        ),
        Channel(
            "youtube",
            "YouTube",
            "Bare publisering av video, ingen dialog.",
            dialogue=False,
            max_chars=5000,
            expectations="Vi publiserer video her, men svarer ikke på kommentarer. Spørsmål "
            f"stiller du på Facebook eller via nettsiden. {_NO_CASES} {_DELETED}",
        ),
        Channel(
            "vimeo",
            "Vimeo",
            "Bare publisering av video, ingen dialog.",
            dialogue=False,
            max_chars=5000,
            expectations="Vi publiserer video her, men svarer ikke på kommentarer. Spørsmål "
            f"stiller du på Facebook eller via nettsiden. {_NO_CASES} {_DELETED}",
        ),
        Channel(
            "linkedin",
            "LinkedIn",
            "Rekruttering og informasjon.",
            max_chars=3000,
            expectations=f"Vi bruker LinkedIn til rekruttering og informasjon og svarer på "
            f"enkle spørsmål {_OFFICE_HOURS}. {_NO_CASES} Spam og ulovlig innhold slettes.",
        ),
        Channel(
            "instagram",
            "Instagram",
            "Reservert brukernavn, ikke i bruk.",
            status="inactive",
            max_chars=2200,
            expectations="Brukernavnet er reservert for kommunen og ikke i bruk. Vi publiserer "
            "ikke og svarer ikke her; følg kommunen på nettsiden eller Facebook.",
        ),
        Channel(
            "snapchat",
            "Snapchat",
            "Reservert brukernavn, ikke i bruk.",
            status="inactive",
            max_chars=250,
            expectations="Brukernavnet er reservert for kommunen og ikke i bruk. Vi publiserer "
            "ikke og svarer ikke her; følg kommunen på nettsiden eller Facebook.",
        ),
    )
}
