"""The city's departments (virksomheter) that own facts."""

DEPARTMENTS = {
    "vav": "Vann- og avløpsetaten",
    "bym": "Bymiljøetaten",
    "hel": "Helseetaten",
    "brann": "Brann- og redningsetaten",
    "ude": "Utdanningsetaten",
}
