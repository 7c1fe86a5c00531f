"""Demo customers: 30 fictional organisations over 3 regions and 6 facets, with contacts.

Idempotent: organisations are found by name and contacts by email, so running it again
adds nothing and changes nothing already there.
"""

import unicodedata

from accounts.models import User

from .models import Contact, Facet, Organisation, Region

FACETS = [
    ("Cloud platform", "Hosting, storage and the managed platform."),
    ("Payments", "Card acquiring, invoicing and payouts."),
    ("Field service", "Engineers on site, spare parts, maintenance contracts."),
    ("Public sector", "Government, health and education customers."),
    ("Retail", "Shops, e-commerce and consumer brands."),
    ("Manufacturing", "Factories and industrial supply chains."),
]

# name, countries, time zone, leader username
REGIONS = [
    ("UK & Ireland", ["GB", "IE"], "Europe/London", "leader"),
    ("DACH", ["DE", "AT", "CH"], "Europe/Berlin", "leader2"),
    ("Nordics", ["SE", "NO", "DK", "FI", "IS"], "Europe/Stockholm", "leader"),
]

# name, region, country, tier, facets, contacts (name, job title, language, phone)
T_KEY, T_STRATEGIC, T_OTHER = (
    Organisation.Tier.KEY,
    Organisation.Tier.STRATEGIC,
    Organisation.Tier.OTHER,
)
ORGANISATIONS = [
    ("Thamesbridge Health Trust", "UK & Ireland", "GB", T_KEY, ["Public sector", "Cloud platform"], [("Priya Raman", "Chief Digital Officer", "en", "+44 20 7946 0101"), ("Tom Hale", "Head of Procurement", "en", "")]),
    ("Larkfield Grocers", "UK & Ireland", "GB", T_KEY, ["Retail", "Payments"], [("Gemma Okafor", "Operations Director", "en", "+44 161 496 0102")]),
    ("Northgate Engineering", "UK & Ireland", "GB", T_STRATEGIC, ["Manufacturing", "Field service"], [("Alan Birch", "Plant Manager", "en", "")]),
    ("Liffey Credit Union", "UK & Ireland", "IE", T_KEY, ["Payments"], [("Siobhán Byrne", "CEO", "en", "+353 1 555 0103")]),
    ("Corrib Retail Group", "UK & Ireland", "IE", T_STRATEGIC, ["Retail"], [("Declan Walsh", "IT Director", "en", "")]),
    ("Severn Water Services", "UK & Ireland", "GB", T_KEY, ["Public sector", "Field service"], [("Helen Marsh", "Asset Director", "en", ""), ("Raj Patel", "Service Lead", "en", "")]),
    ("Kestrel Logistics", "UK & Ireland", "GB", T_OTHER, ["Field service"], [("Mark Lowe", "Fleet Manager", "en", "")]),
    ("Brightwater Schools Trust", "UK & Ireland", "GB", T_STRATEGIC, ["Public sector"], [("Nadia Hussain", "Business Manager", "en", "")]),
    ("Ferncliff Fashion", "UK & Ireland", "GB", T_OTHER, ["Retail"], [("Olivia Grant", "E-commerce Lead", "en", "")]),
    ("Galway Medtech", "UK & Ireland", "IE", T_KEY, ["Manufacturing", "Cloud platform"], [("Ciarán Doyle", "VP Operations", "en", "")]),
    ("Rheinwerk Maschinenbau", "DACH", "DE", T_KEY, ["Manufacturing", "Field service"], [("Jürgen Hoffmann", "Werkleiter", "de", "+49 30 901820 0104"), ("Anna Schäfer", "Einkauf", "de", "")]),
    ("Alpenbank Zürich", "DACH", "CH", T_KEY, ["Payments", "Cloud platform"], [("Lukas Meier", "CIO", "de", "")]),
    ("Donau Handel", "DACH", "AT", T_STRATEGIC, ["Retail"], [("Katharina Gruber", "Geschäftsführerin", "de", "")]),
    ("Stadtwerke Elbtal", "DACH", "DE", T_KEY, ["Public sector", "Field service"], [("Markus Weber", "Technischer Leiter", "de", "")]),
    ("Bergkristall Hotels", "DACH", "AT", T_OTHER, ["Retail", "Payments"], [("Sophie Huber", "Revenue Manager", "de", "")]),
    ("Kantonsspital Aarau-Nord", "DACH", "CH", T_STRATEGIC, ["Public sector", "Cloud platform"], [("Reto Keller", "Leiter Informatik", "de", "")]),
    ("Schwarzwald Präzision", "DACH", "DE", T_KEY, ["Manufacturing"], [("Felix Wagner", "COO", "de", "")]),
    ("Münchner Versandhaus", "DACH", "DE", T_STRATEGIC, ["Retail", "Payments"], [("Laura Becker", "Head of Payments", "de", "")]),
    ("Bodensee Logistik", "DACH", "DE", T_OTHER, ["Field service"], [("Jonas Fischer", "Disponent", "de", "")]),
    ("Wiener Verkehrsbetriebe Süd", "DACH", "AT", T_KEY, ["Public sector"], [("Elena Novak", "Direktorin", "de", "")]),
    ("Fjordline Shipping", "Nordics", "NO", T_KEY, ["Field service", "Cloud platform"], [("Ingrid Solberg", "CTO", "nb", "+47 21 00 01 05")]),
    ("Kattegat Retail", "Nordics", "DK", T_KEY, ["Retail", "Payments"], [("Mads Jensen", "Commercial Director", "da", "")]),
    ("Norrland Timber", "Nordics", "SE", T_STRATEGIC, ["Manufacturing"], [("Erik Lindqvist", "Mill Manager", "sv", "")]),
    ("Helsinki City Digital", "Nordics", "FI", T_KEY, ["Public sector", "Cloud platform"], [("Aino Virtanen", "Head of Services", "fi", "")]),
    ("Göta Pay", "Nordics", "SE", T_STRATEGIC, ["Payments"], [("Sara Nilsson", "Product Director", "sv", "")]),
    ("Reykjavik Geothermal", "Nordics", "IS", T_OTHER, ["Manufacturing", "Field service"], [("Gunnar Jónsson", "Operations Manager", "is", "")]),
    ("Aurora Health Region", "Nordics", "SE", T_KEY, ["Public sector"], [("Maria Berg", "CIO", "sv", ""), ("Johan Ek", "Procurement Lead", "sv", "")]),
    ("Bergen Seafood Export", "Nordics", "NO", T_STRATEGIC, ["Manufacturing", "Retail"], [("Kari Haugen", "Supply Chain Director", "nb", "")]),
    ("Copenhagen Design Stores", "Nordics", "DK", T_OTHER, ["Retail"], [("Freja Holm", "Store Operations", "da", "")]),
    ("Tampere Robotics", "Nordics", "FI", T_STRATEGIC, ["Manufacturing", "Cloud platform"], [("Mikko Laine", "R&D Director", "fi", "")]),
]  # fmt: skip


def _ascii(text: str) -> str:
    text = text.lower().replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("ð", "d")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _email(name: str, organisation: str) -> str:
    local = ".".join(_ascii(name).split())
    domain = "".join(ch for ch in _ascii(organisation) if ch.isalnum())[:20]
    return f"{local}@{domain}.example"


def seed(*, stdout) -> None:
    facets = {}
    for position, (name, description) in enumerate(FACETS):
        facets[name], _ = Facet.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
    regions = {}
    for name, countries, time_zone, leader_username in REGIONS:
        region, _ = Region.objects.get_or_create(
            name=name, defaults={"countries": countries, "time_zone": time_zone}
        )
        leader = User.objects.filter(username=leader_username).first()
        if leader is not None:
            region.leaders.add(leader)
        regions[name] = (region, leader)
    contacts = 0
    for name, region_name, country, tier, facet_names, people in ORGANISATIONS:
        region, leader = regions[region_name]
        organisation = Organisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name=name, region=region, country=country, tier=tier, account_owner=leader
            )
            organisation.facets.set([facets[f] for f in facet_names])
        for person, job_title, language, phone in people:
            email = _email(person, name)
            if not Contact.objects.filter(email__iexact=email).exists():
                Contact.objects.create(
                    organisation=organisation,
                    name=person,
                    email=email,
                    job_title=job_title,
                    language=language,
                    phone=phone,
                    time_zone=region.time_zone,
                )
            contacts += 1
    stdout.write(
        f"  customers: {len(ORGANISATIONS)} organisations in {len(REGIONS)} regions, "
        f"{len(FACETS)} facets, {contacts} contacts"
    )
