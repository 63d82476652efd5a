"""Finnish and English strings of the app, and Finnish / English number and date formats.

Every user-visible string goes through `t(key, lang)`. Labels of the fixed code sets of
models.py (roles, checklist statuses, genders, ...) live here as `<code set>.<code>` keys;
labels of the code lists stored in tables come from their name_fi / name_en columns
(`localized_name`). Finnish is the default and the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any, Literal

from babel import Locale

import models

Language = Literal["fi", "en"]
LANGUAGES: tuple[Language, ...] = ("fi", "en")
DEFAULT_LANGUAGE: Language = "fi"

# Finnish groups thousands with a no-break space (CLDR), so "1 234" never breaks across lines
NBSP = "\u00a0"
# The en dash of ranges: 1.3.2026–30.9.2029
EN_DASH = "\u2013"

# The fixed code sets of models.py whose codes need a label: key prefix -> codes
CODE_SETS: dict[str, tuple[str, ...]] = {
    "role": models.ROLES,
    "checklist_status": models.CHECKLIST_STATUSES,
    "gender": models.GENDERS,
    "education_level": models.EDUCATION_LEVELS,
    "labour_status": models.LABOUR_STATUSES,
    "employer_type": models.EMPLOYER_TYPES,
    "contract_type": models.CONTRACT_TYPES,
    "decision": models.DECISIONS,
    "work_package_scope": models.WORK_PACKAGE_SCOPES,
    "indicator_kind": models.INDICATOR_KINDS,
    "budget_kind": models.BUDGET_KINDS,
}

_FI: dict[str, str] = {
    # The app shell
    "app.title": "Polku",
    # Both languages: the switch must be found by someone who cannot read the current one
    "app.language": "Kieli · Language",
    "app.language.help": "Käyttöliittymän kieli · The language of the interface",
    "lang.fi": "Suomi",
    "lang.en": "English",
    "app.municipality": "Kunta",
    "app.municipality.help": (
        "Näytettävä kunta tai koko alue. Valinta säilyy sivulta toiselle ja näkyy "
        "osoitteessa, joten linkki avaa saman näkymän."
    ),
    "app.region": "Koko alue",
    "nav.monitoring": "Seuranta",
    "nav.data": "Tiedot",
    "nav.admin": "Hallinta",
    # Database not ready
    "db.not_ready.title": "Tietokanta ei ole vielä käyttövalmis",
    "db.no_schema": "Tietokannassa ei ole vielä Polun tauluja.",
    "db.outdated": "Tietokannan rakenne on vanhempi kuin tämä Polun versio.",
    "db.no_project": "Hankkeen määrittelyä (data/project.toml) ei ole ladattu tietokantaan.",
    "db.unreachable": "Tietokantaan ei saada yhteyttä.",
    "db.bad_url": "Tietokannan osoite (asetus DATABASE_URL) ei ole kelvollinen.",
    "db.read_only": "Tietokantaan ei voi kirjoittaa (vain luku -tila tai täysi levy).",
    "db.vanished": (
        "Tietokantatiedosto on poistettu tai vaihdettu sovelluksen ollessa käynnissä. "
        "Mitään ei tallennettu."
    ),
    "db.vanished_fix": (
        "Palauta tietokantatiedosto paikalleen ja käynnistä Polku uudelleen; ota yhteys ylläpitoon."
    ),
    "db.failed": "Polku ei käynnistynyt odottamattoman virheen vuoksi.",
    "db.failed_fix": (
        "Lataa sivu uudelleen. Jos virhe toistuu, ota yhteys ylläpitoon: virheen tyyppi on "
        "palvelimen lokissa."
    ),
    "db.how_to_fix": (
        "Aja palvelimella komento `python -m polku init` (tai `make run`) ja lataa sivu uudelleen."
    ),
    "db.unreachable_fix": (
        "Tarkista tietokantapalvelin ja asetus DATABASE_URL; ota tarvittaessa yhteys ylläpitoon."
    ),
    # Pages: titles and tooltips
    "page.overview": "Yleiskatsaus",
    "page.overview.help": (
        "Asiakkaiden, työnantajien ja vaihelistojen tilanne valitussa kunnassa tai koko alueella."
    ),
    "page.indicators": "Mittarit",
    "page.indicators.help": "Hankkeen tulostavoitteet ja niiden toteutuminen kunnittain.",
    "page.checklists": "Vaihelistat",
    "page.checklists.help": "Työpakettien vaiheiden tehtävälistat ja niiden eteneminen.",
    "page.clients": "Asiakkaat ja tietojen syöttö",
    "page.clients.help": "Asiakkaiden, työnantajien ja työllistämislisien kirjaaminen.",
    "page.import": "Tuonti",
    "page.import.help": "Tietojen tuonti CSV- ja Excel-tiedostoista.",
    "page.export": "Vienti",
    "page.export.help": "Tietojen vienti Exceliin, CSV:hen ja Parquetiin.",
    "page.users": "Käyttäjät",
    "page.users.help": "Käyttäjät, roolit ja kunnat.",
    "page.project": "Hanke",
    "page.project.help": (
        "Hankkeen määrittely: kunnat, työpaketit ja vaiheet, tavoitteet, budjetti ja henkilöstö."
    ),
    # Overview
    "overview.scope": "{scope} · hankekausi {period} · tilanne {as_of}",
    "overview.clients": "Asiakkaat",
    "overview.clients.entered": "Aloittaneet yhteensä",
    "overview.clients.entered.help": "Asiakkaat, joiden aloituspäivä on viimeistään tänään.",
    "overview.clients.active": "Mukana nyt",
    "overview.clients.active.help": "Aloittaneet asiakkaat, jotka eivät ole vielä päättäneet.",
    "overview.clients.exited": "Päättäneet",
    "overview.clients.exited.help": "Asiakkaat, joiden päättymispäivä on viimeistään tänään.",
    "overview.employers": "Työnantajat",
    "overview.employers.total": "Työnantajia yhteensä",
    "overview.employers.total.help": "Polkuun kirjatut työnantajat.",
    "overview.employers.partners": "Kumppanuussopimus voimassa",
    "overview.employers.partners.help": (
        "Työnantajat, joilla on tänään voimassa oleva kumppanuussopimus."
    ),
    "overview.checklists": "Vaihelistat",
    "overview.checklists.region_note": (
        "Koko alue: kaikkien kuntien vaihelistat (työpaketti 1) ja alueen yhteinen "
        "vaihelista (työpaketti 2)."
    ),
    "overview.checklists.municipality_note": "Kunnan vaihelista (työpaketti 1).",
    "overview.checklists.total": "Tehtäviä yhteensä",
    "overview.checklists.done": "Valmiina",
    "overview.checklists.done.help": "Tehtävät, jotka ovat valmiita tai eivät koske kuntaa.",
    "overview.progress": "Edistyminen vaiheittain",
    "overview.progress.work_package": "Työpaketti",
    "overview.progress.phase": "Vaihe",
    "overview.progress.done": "Valmiina",
    "overview.progress.total": "Yhteensä",
    "overview.progress.share": "Osuus",
    "overview.progress.empty": "Ei vaihelistan tehtäviä.",
    # Project definition
    "project.period": "Hankekausi {period}",
    "project.lead": "Vastuukunta: {name}",
    "project.municipalities": "Kunnat",
    "project.municipalities.total": "{count} kuntaa, asukkaita yhteensä {population}.",
    "project.municipalities.total.one": "{count} kunta, asukkaita yhteensä {population}.",
    "project.col.code": "Koodi",
    "project.col.municipality": "Kunta",
    "project.col.population": "Asukasluku",
    "project.col.population_share": "Osuus asukkaista",
    "project.work_packages": "Työpaketit ja vaiheet",
    "project.work_package.scope": "Laajuus: {scope}",
    "project.col.position": "Nro",
    "project.col.item": "Tehtävä",
    "project.col.required": "Pakollinen",
    "project.phase.items": "{count} tehtävää",
    "project.phase.items.one": "{count} tehtävä",
    "project.targets": "Tavoitteet",
    "project.col.indicator": "Mittari",
    "project.col.kind": "Laji",
    "project.col.target": "Tavoite",
    "project.col.note": "Huomautus",
    "project.budget": "Budjetti",
    "project.col.budget_line": "Rivi",
    "project.col.amount": "Summa",
    "project.col.share": "Osuus",
    "project.budget.totals": "Kustannukset yhteensä {cost} · rahoitus yhteensä {financing}",
    "project.staff": "Henkilöstö",
    "project.col.role": "Tehtävä",
    "project.col.fte": "Henkilötyövuodet",
    "project.staff.total": "Yhteensä {fte} henkilötyövuotta.",
    "project.staff.total.one": "Yhteensä {fte} henkilötyövuosi.",
    "project.none": "Ei tietoja.",
    # Refusals of polku.access (AccessDenied.key)
    "access.denied.read_aggregates": "Sinulla ei ole oikeutta nähdä tämän kunnan lukuja.",
    "access.denied.read_rows": (
        "Sinulla ei ole oikeutta nähdä tämän kunnan asiakas- tai rivitason tietoja."
    ),
    "access.denied.edit": "Sinulla ei ole oikeutta muokata tämän kunnan tietoja.",
    "access.denied.export": "Sinulla ei ole oikeutta viedä tietoja Polusta.",
    "access.denied.manage": (
        "Vain pääkäyttäjä voi hallita käyttäjiä, tavoitteita ja vaihelistojen pohjia."
    ),
    # Sign-in (polku/ui/auth.py)
    "auth.sign_in.title": "Kirjaudu Polkuun",
    "auth.sign_in.text": (
        "Polku on Pohjois-Karjalan välityömarkkinahankkeen seurantatyökalu. Kirjaudu sisään "
        "organisaatiosi tunnuksilla."
    ),
    "auth.sign_in": "Kirjaudu sisään",
    "auth.sign_in.with": "Kirjaudu sisään: {name}",
    "auth.sign_out": "Kirjaudu ulos",
    "auth.signed_in_as": "Kirjautuneena: {name} ({role})",
    "auth.no_access.title": "Ei käyttöoikeutta",
    "auth.no_access.text": (
        "Tunnuksellasi ei ole käyttöoikeutta Polkuun. Pyydä käyttöoikeutta Polun "
        "pääkäyttäjältä (hankepäällikkö)."
    ),
    "auth.not_configured.title": "Kirjautumista ei ole määritetty",
    "auth.not_configured.text": (
        "Polku ei näytä tietoja ennen kuin kirjautuminen on määritetty: lisää [auth]-osio "
        "tiedostoon .streamlit/secrets.toml (katso README). Esittelykäyttöön: make run."
    ),
    "auth.demo.banner": (
        "Esittelytila: synteettinen esimerkkiaineisto, ei kirjautumista. Vaihda "
        "esittelykäyttäjää sivupalkista nähdäksesi eri roolien näkymät."
    ),
    "auth.demo.user": "Esittelykäyttäjä",
    "auth.demo.user.help": "Esittelytilassa voit toimia minä tahansa esimerkkikäyttäjänä.",
    # The users page
    "users.col.email": "Sähköposti",
    "users.col.name": "Nimi",
    "users.col.role": "Rooli",
    "users.col.municipalities": "Kunnat",
    "users.col.active": "Käytössä",
    "users.edit": "Lisää tai muokkaa käyttäjää",
    "users.pick": "Käyttäjä",
    "users.new": "Uusi käyttäjä",
    "users.municipalities.help": (
        "Koordinaattori muokkaa ja johtaja näkee näiden kuntien tiedot. Pääkäyttäjä ja "
        "analyytikko näkevät kaikki kunnat."
    ),
    "users.save": "Tallenna",
    "users.saved": "Käyttäjä {email} tallennettu.",
    "users.remove": "Poista käyttäjä",
    "users.remove.confirm": "Haluan poistaa käyttäjän {email}",
    "users.remove.button": "Poista",
    "users.removed": "Käyttäjä {email} poistettu.",
    # Dashboards (pages/indicators.py, polku/ui/dashboard.py)
    "overview.targets": "Tavoitteet",
    "dash.period": "Jakso",
    "dash.period.help": "Kuvaajien aikaväli; kortit näyttävät tilanteen jakson viimeisenä päivänä.",
    "dash.target_group": "Kohderyhmä",
    "dash.all_groups": "Kaikki kohderyhmät",
    "dash.scope": "{scope} · {period} · {group}",
    "dash.target_group_note": (
        "Tavoitteet koskevat kaikkia asiakkaita; kohderyhmän luvut ovat osa niistä."
    ),
    "dash.trajectories": "Tavoitteet ajan myötä",
    "dash.clients": "Asiakkaat",
    "dash.municipalities": "Kunnat rinnakkain",
    "dash.indicator": "Mittari",
    "dash.outcomes": "Tulokset",
    "dash.employers": "Työnantajat",
    "kpi.ahead": "Tavoitepolulla tai edellä",
    "kpi.behind": "Jäljessä tavoitepolusta",
    "kpi.help.count": (
        "Toteuma päivään mennessä. Tavoitepolku: tavoite × kulunut osuus hankekaudesta "
        "(tai välitavoitteiden mukaan). Kunnan tavoite on sen väestöosuus alueen tavoitteesta, "
        "ellei toisin ole asetettu."
    ),
    "kpi.help.rate": (
        "Tavoitteensa saavuttaneet ÷ hankkeesta päättäneet. Osuus lasketaan aina "
        "osoittajasta ja nimittäjästä, ei osuuksien keskiarvona."
    ),
    "kpi.target_line": "Tavoite {target} · toteutunut {share} · tavoitepolku nyt {expected}",
    "kpi.rate_parts": "{numerator} / {denominator} päättäneestä",
    "kpi.target_line.hidden": "Tavoite {target} · tavoitepolku nyt {expected}",
    "dash.cards_cumulative": (
        "Kortit ovat kertymiä hankkeen alusta jakson loppuun ({period}), koska tavoitteet "
        "koskevat koko hanketta; jakso rajaa kuvaajat."
    ),
    "chart.show_data": "Näytä tiedot",
    "chart.actual": "Toteuma",
    "chart.expected": "Tavoitepolku",
    "chart.target": "Tavoite",
    "chart.today": "tänään",
    "chart.month": "Kuukausi",
    "chart.clients": "Asiakkaita",
    "chart.status": "Tila",
    "chart.target_group": "Kohderyhmä",
    "chart.stage": "Vaihe",
    "chart.municipality": "Kunta",
    "chart.employers": "Työnantajia",
    "chart.partnerships": "Kumppanuussopimus voimassa",
    "chart.bonus_employers": "Työllistämislisän saaneet",
    "chart.euros_granted": "Myönnetty (€)",
    "chart.other_statuses": "Muut tilat",
    "chart.trajectory.title": "{indicator}: toteuma ja tavoitepolku, {scope}",
    "chart.active_by_status.title": "Mukana olevat asiakkaat tilan mukaan kuun lopussa, {scope}",
    "chart.new_clients.title": "Uudet asiakkaat kuukausittain, {scope}",
    "chart.by_target_group.title": "Asiakkaat kohderyhmittäin, {scope}",
    "chart.against_target.title": (
        "Kunnat: toteuma (palkki), tavoitepolku nyt (oranssi) ja tavoite (musta)"
    ),
    "chart.funnel.title": "Aloittaneista tuloksiin kohderyhmittäin, {scope}",
    "chart.employers.title": "Kumppanuudet ja työllistämislisän saaneet työnantajat, {scope}",
    "chart.euros.title": "Myönnetyt työllistämislisät euroina kuukausittain, {scope}",
    "funnel.entered": "Aloittaneet",
    "funnel.left": "Päättäneet",
    "funnel.plan_goal_reached": "Tavoite saavutettu",
    "funnel.employed_at_company": "Työllistyi yritykseen",
    # Privacy (polku/privacy.py)
    "privacy.small_count": "< {limit}",
    "privacy.hidden": "–",
    "privacy.note": (
        "Alle 5 henkilön lukuja ei näytetä (< 5), eikä lukuja, joista ne voisi laskea. Osuus "
        "näytetään, kun päättäneitä on vähintään 5 eikä tavoitteen saavuttaneita tai muita ole "
        "1–4 (muuten < 5 tai –)."
    ),
    # Users (polku/users.py, UserError.key)
    "users.error.email": "Sähköpostiosoite ei kelpaa: {value}",
    "users.error.role": "Tuntematon rooli: {value}",
    "users.error.municipality": "Tuntematon kuntakoodi: {value}",
    "users.error.needs_municipality": "Roolille {role} on annettava vähintään yksi kunta.",
    "users.error.unknown": "Käyttäjää ei ole: {value}",
    "users.error.self": "Et voi poistaa omaa käyttäjätunnustasi.",
    # Phase checklists (pages/checklists.py, polku/checklists.py)
    "checklists.caption.municipality": "{place} · {work_package}",
    "checklists.caption.region": (
        "Koko alue · kuntien eteneminen (työpaketti 1) ja alueen yhteinen vaihelista: "
        "{work_package}"
    ),
    "checklists.read_only": (
        "Voit katsoa tätä vaihelistaa, mutta et muokata sitä. Muokata voivat kunnan "
        "koordinaattorit ja pääkäyttäjä."
    ),
    "checklists.read_only.region": "Alueen yhteistä vaihelistaa muokkaa pääkäyttäjä.",
    "checklists.current_phase": "Nykyinen vaihe: {phase}",
    "checklists.all_complete": "Kaikki vaiheet valmiina",
    "checklists.phase.complete": "Valmis",
    "checklists.phase.current": "Nykyinen vaihe",
    "checklists.phase.upcoming": "Tulossa",
    "checklists.phase.flagged": "Työtä aloitettu ennen kuin aiempi vaihe on valmis",
    "checklists.phase.progress": "{done} / {total} valmiina",
    "checklists.phase.required_open": "Pakollisia tehtäviä avoinna: {count}",
    "checklists.phase.empty": "Tässä vaiheessa ei ole tehtäviä.",
    "checklists.flags.warning": (
        "Työtä on aloitettu vaiheessa {phases}, vaikka aiempi vaihe on vielä kesken. Tämä on "
        "sallittua, mutta tarkista, ettei aiemman vaiheen pakollisia tehtäviä jää tekemättä."
    ),
    "checklists.own_suffix": "(oma)",
    "checklists.yes": "Kyllä",
    "checklists.no": "Ei",
    "checklists.field.status": "Tila",
    "checklists.field.owner": "Vastuuhenkilö",
    "checklists.field.due_date": "Määräaika",
    "checklists.field.note": "Huomautus",
    "checklists.field.evidence_url": "Näyttö (linkki)",
    "checklists.field.title": "Nimi",
    "checklists.field.required": "Pakollinen",
    "checklists.field.phase_id": "Vaihe",
    "checklists.field.version": "Versio",
    "checklists.field.operating_model_code": "Toimintamalli",
    "checklists.field.coaching_environment": "Valmennusympäristö",
    "checklists.field.services": "Palvelut",
    "checklists.col.item": "Tehtävä",
    "checklists.col.phase": "Vaihe",
    "checklists.col.municipality": "Kunta",
    "checklists.col.updated_at": "Päivitetty",
    "checklists.col.updated_by": "Päivittäjä",
    "checklists.col.done": "Valmiina",
    "checklists.col.total": "Yhteensä",
    "checklists.col.share": "Osuus",
    "checklists.col.required_open": "Pakollisia avoinna",
    "checklists.col.state": "Vaiheen tila",
    "checklists.col.flag": "Huomio",
    "checklists.col.deadline": "Tilanne",
    "checklists.col.at": "Aika",
    "checklists.col.user": "Käyttäjä",
    "checklists.col.action": "Muutos",
    "checklists.col.field": "Kenttä",
    "checklists.col.old": "Vanha arvo",
    "checklists.col.new": "Uusi arvo",
    "checklists.action.create": "lisäys",
    "checklists.action.update": "muutos",
    "checklists.action.delete": "poisto",
    "checklists.help.status": "Valmis ja Ei koske lasketaan tehdyiksi.",
    "checklists.help.evidence_url": "Linkki asiakirjaan tai muistioon (http:// tai https://).",
    "checklists.help.required": (
        "Vaihe on valmis, kun sen kaikki pakolliset tehtävät ovat valmiita tai eivät koske kuntaa."
    ),
    "checklists.save": "Tallenna muutokset",
    "checklists.saved": "Tallennettu {count} tehtävän muutokset.",
    "checklists.saved.one": "Tallennettu {count} tehtävän muutokset.",
    "checklists.nothing_to_save": "Ei tallennettavia muutoksia.",
    "checklists.pending": "Tallentamattomia muutoksia {count} tehtävässä. Tallenna ne tai hylkää.",
    "checklists.pending.one": (
        "Tallentamattomia muutoksia {count} tehtävässä. Tallenna ne tai hylkää."
    ),
    "checklists.discard": "Hylkää muutokset",
    "checklists.errors": "Muutoksia ei tallennettu:",
    "checklists.conflict.title": (
        "Joku muu tallensi samaa tehtävää sillä välin, kun muokkasit sitä. Muutoksiasi ei "
        "tallennettu; ne ovat yhä näkyvissä alla."
    ),
    "checklists.conflict.item": "{item}: {who} muutti tätä {when}: {changes}",
    "checklists.conflict.yours": "Sinun muutoksesi: {changes}",
    "checklists.conflict.overwrite": "Tallenna omat muutokseni silti",
    "checklists.conflict.discard": "Hylkää omat muutokseni ja näytä uusimmat",
    "checklists.own.title": "Omat tehtävät",
    "checklists.own.help": (
        "Voit lisätä vaiheeseen omia tehtäviä. Itse lisätyn tehtävän voi poistaa sen lisääjä tai "
        "pääkäyttäjä; hankesuunnitelman tehtäviä ei voi poistaa."
    ),
    "checklists.own.add": "Lisää oma tehtävä",
    "checklists.own.phase": "Vaihe",
    "checklists.own.name": "Tehtävän nimi",
    "checklists.own.new": "Uusi tehtävä",
    "checklists.own.added": "Tehtävä ”{item}” lisätty.",
    "checklists.own.remove": "Poista oma tehtävä",
    "checklists.own.pick": "Poistettava tehtävä",
    "checklists.own.remove.confirm": "Haluan poistaa tehtävän ”{item}”",
    "checklists.own.remove.button": "Poista",
    "checklists.own.removed": "Tehtävä ”{item}” poistettu.",
    "checklists.own.none": "Et ole lisännyt omia tehtäviä tähän vaihelistaan.",
    "checklists.own.locked": "Tallenna tai hylkää ensin taulukoihin tekemäsi muutokset.",
    "checklists.setup.title": "Toimintamalli ja palvelut",
    "checklists.setup.entity": "Toimintamalli ja palvelut",
    "checklists.setup.operating_model": "Paikallinen toimintamalli",
    "checklists.setup.none": "Ei vielä valittu",
    "checklists.setup.environment": "Valmennusympäristön nimi",
    "checklists.setup.services": "Valmennusympäristön palvelut",
    "checklists.setup.save": "Tallenna toimintamalli ja palvelut",
    "checklists.setup.saved": "Toimintamalli ja palvelut tallennettu.",
    "checklists.setup.updated": "Päivitetty {when} ({who})",
    "checklists.setup.changed": (
        "{who} muutti toimintamallia tai palveluja {when}. Lomakkeessa ovat tiedot sellaisina "
        "kuin avasit ne."
    ),
    "checklists.setup.refresh": "Näytä uusimmat tiedot",
    "checklists.history.title": "Muutoshistoria",
    "checklists.history.recent": "Viimeisimmät muutokset",
    "checklists.history.item": "Tehtävän historia",
    "checklists.history.pick": "Tehtävä",
    "checklists.history.empty": "Ei kirjattuja muutoksia.",
    "checklists.export": "Lataa Excel ohjausryhmälle",
    "checklists.export.help": (
        "Vaihelista Excel-tiedostona: tehtävät vaiheittain tiloineen, vastuineen ja "
        "määräaikoineen sekä eteneminen vaiheittain."
    ),
    "checklists.export.file": "vaihelista-{place}-{date}.xlsx",
    "checklists.xlsx.sheet.items": "Vaihelista",
    "checklists.xlsx.sheet.progress": "Eteneminen",
    "checklists.xlsx.title": "Vaihelista – {place}",
    "checklists.xlsx.as_of": "Tilanne {date} · nykyinen vaihe: {phase}",
    "checklists.xlsx.progress_title": "Eteneminen vaiheittain – {place}",
    "checklists.region.matrix": "Kuntien eteneminen vaiheittain",
    "checklists.region.matrix.caption": (
        "Solussa valmiit / kaikki tehtävät. ▶ merkitsee kunnan nykyistä vaihetta (ensimmäinen "
        "vaihe, jonka pakolliset tehtävät ovat kesken), ✓ valmista vaihetta."
    ),
    "checklists.region.matrix.table": "Sama taulukkona",
    "checklists.region.wp2": "Alueen yhteinen vaihelista",
    "checklists.region.deadlines": "Myöhässä olevat ja lähestyvät määräajat",
    "checklists.region.deadlines.caption": (
        "Avoimet tehtävät, joiden määräaika on mennyt tai on seuraavan {days} päivän aikana: "
        "kunnat, joita saat katsoa, ja alueen yhteiset tehtävät."
    ),
    "checklists.region.deadlines.caption.one": (
        "Avoimet tehtävät, joiden määräaika on mennyt tai on seuraavan {days} päivän aikana: "
        "kunnat, joita saat katsoa, ja alueen yhteiset tehtävät."
    ),
    "checklists.region.deadlines.empty": "Ei myöhässä olevia eikä lähestyviä määräaikoja.",
    "checklists.deadline.overdue": "Myöhässä {days} pv",
    "checklists.deadline.today": "Tänään",
    "checklists.deadline.upcoming": "{days} pv jäljellä",
    "checklists.chart.title": "Vaihelistojen eteneminen kunnittain",
    "checklists.chart.share": "Valmiina",
    "checklists.chart.state": "Vaiheen tila",
    "checklists.error.status": "{item}: tila ”{value}” ei ole sallittu.",
    "checklists.error.due_date": "{item}: määräaika ”{value}” ei ole päivämäärä.",
    "checklists.error.url": (
        "{item}: {field} ei ole verkko-osoite. Anna osoite, joka alkaa http:// tai https://."
    ),
    "checklists.error.hetu": (
        "{item}, {field}: teksti sisältää henkilötunnuksen. Henkilötunnuksia ei saa tallentaa "
        "Polkuun."
    ),
    "checklists.warning.hetu": (
        "{item}, {field}: teksti muistuttaa henkilötunnusta. Tarkista, ettei siinä ole "
        "henkilötietoja."
    ),
    "checklists.error.too_long": "{item}, {field}: enintään {max} merkkiä (nyt {length}).",
    "checklists.error.title_required": "{item}: omalle tehtävälle on annettava nimi.",
    "checklists.error.read_only": (
        "{item}: kenttää {field} ei voi muuttaa hankesuunnitelman tehtävästä."
    ),
    "checklists.error.unknown_item": "Tehtävää {item} ei enää ole: joku on poistanut sen.",
    "checklists.error.template_item": (
        "{item} on hankesuunnitelman tehtävä: vain itse lisätyn tehtävän voi poistaa."
    ),
    "checklists.error.not_creator": (
        "{item}: vain tehtävän lisännyt käyttäjä tai pääkäyttäjä voi poistaa sen."
    ),
    "checklists.error.phase": "{item}: vaihetta ei ole tällä vaihelistalla.",
    "checklists.error.operating_model": "Tuntematon toimintamalli: {value}",
    "checklists.error.service": "Tuntematon palvelu: {value}",
    # Import, export and data entry (polku/ingest.py, polku/exports.py, polku/forms.py)
    "kind.employers": "Työnantajat",
    "kind.clients": "Asiakkaat",
    "kind.episodes": "Tilajaksot",
    "kind.outcomes": "Tulokset",
    "kind.partnerships": "Kumppanuussopimukset",
    "kind.grants": "Työllistämislisät",
    "kind.costs": "Kustannukset",
    "ingest.at.cell": "rivi {row}, sarake {column}: {reason}",
    "ingest.at.row": "rivi {row}: {reason}",
    "ingest.at.column": "sarake {column}: {reason}",
    "ingest.error.empty": "Tiedosto on tyhjä.",
    "ingest.error.too_large": (
        "Tiedosto on liian suuri: {size} Mt, enintään {max} Mt. Jaa tiedosto osiin."
    ),
    "ingest.error.too_large_unpacked": (
        "Excel-tiedosto purkautuu liian suureksi: {size} Mt, enintään {max} Mt. Tallenna "
        "tiedot CSV-muodossa tai jaa ne osiin."
    ),
    "ingest.error.too_many_rows": "Tiedostossa on yli {max} riviä. Jaa tiedosto osiin.",
    "ingest.error.too_many_columns": "Tiedostossa on yli {max} saraketta.",
    "ingest.error.cell_too_long": "solussa on yli {max} merkkiä",
    "ingest.error.xls": (
        "Vanhaa .xls-muotoa ei voi lukea. Tallenna tiedosto Excelissä muodossa .xlsx tai CSV."
    ),
    "ingest.error.no_header": "Ensimmäisellä rivillä ei ole sarakeotsikoita.",
    "ingest.error.bad_line": (
        "rivillä on eri määrä sarakkeita kuin otsikkorivillä (tarkista erotinmerkit ja "
        "lainausmerkit)"
    ),
    "ingest.error.bad_xlsx": (
        "Excel-tiedostoa ei voi lukea: tiedosto on vioittunut tai väärää muotoa."
    ),
    "ingest.error.date": "päivämäärä ”{value}” ei kelpaa (muoto 1.3.2026 tai 2026-03-01)",
    "ingest.error.number": "”{value}” ei ole luku",
    "ingest.error.integer": "”{value}” ei ole kokonaisluku",
    "ingest.error.bool": "”{value}” ei ole kyllä tai ei",
    "ingest.error.required": "arvo puuttuu",
    "ingest.error.too_long": "enintään {max} merkkiä (nyt {length})",
    "ingest.error.outside_period": "päivämäärä ei ole hankekaudella {period}",
    "ingest.error.future": "päivämäärä {value} on tulevaisuudessa",
    "ingest.error.business_id": (
        "Y-tunnus ”{value}” ei kelpaa: muoto 1234567-1 ja oikea tarkistusnumero"
    ),
    "ingest.error.client_code": (
        "asiakastunnuksessa saa olla vain kirjaimia, numeroita, viivoja ja alaviivoja"
    ),
    "ingest.error.hetu": (
        "solussa on henkilötunnus. Henkilötunnuksia ei saa tuoda Polkuun: koko tiedosto hylätään"
    ),
    "ingest.error.hetu_like": (
        "solu muistuttaa henkilötunnusta. Henkilötunnuksia ei saa tuoda Polkuun: koko "
        "tiedosto hylätään"
    ),
    "ingest.error.hetu_sheet": (
        "taulukon nimessä on henkilötunnus tai sitä muistuttava merkkijono. Henkilötunnuksia "
        "ei saa tuoda Polkuun: koko tiedosto hylätään"
    ),
    "ingest.warning.hetu": (
        "teksti muistuttaa henkilötunnusta. Tarkista, ettei siinä ole henkilötietoja"
    ),
    "ingest.error.unknown.municipality": "tuntematon kunta ”{value}” ({allowed})",
    "ingest.error.unknown.client_status": "tuntematon tila ”{value}” (sallitut: {allowed})",
    "ingest.error.unknown.target_group": ("tuntematon kohderyhmä ”{value}” (sallitut: {allowed})"),
    "ingest.error.unknown.outcome_type": "tuntematon tulos ”{value}” (sallitut: {allowed})",
    "ingest.error.unknown.budget_line": (
        "tuntematon kustannusrivi ”{value}” (sallitut: {allowed})"
    ),
    "ingest.error.unknown.gender": "tuntematon sukupuoli ”{value}” (sallitut: {allowed})",
    "ingest.error.unknown.education_level": (
        "tuntematon koulutustaso ”{value}” (sallitut: {allowed})"
    ),
    "ingest.error.unknown.labour_status": (
        "tuntematon työmarkkina-asema ”{value}” (sallitut: {allowed})"
    ),
    "ingest.error.unknown.employer_type": (
        "tuntematon työnantajatyyppi ”{value}” (sallitut: {allowed})"
    ),
    "ingest.error.unknown.contract_type": (
        "tuntematon sopimustyyppi ”{value}” (sallitut: {allowed})"
    ),
    "ingest.error.unknown.decision": "tuntematon päätös ”{value}” (sallitut: {allowed})",
    "ingest.see_template": "katso sallitut arvot tuontipohjan ohjeesta",
    "ingest.error.range": "arvon on oltava välillä {low}–{high}",
    "ingest.error.range_open": "arvon on oltava suurempi kuin {low} ja enintään {high}",
    "ingest.error.minimum": "arvon on oltava vähintään {low}",
    "ingest.error.maximum": "arvon on oltava enintään {high}",
    "ingest.warning.no_header": "sarakkeella ei ole otsikkoa: se ohitetaan",
    "ingest.warning.unknown_column": "tuntematon sarake ohitetaan",
    "ingest.error.duplicate_column": "sarake on tiedostossa kahdesti (myös ”{first}”)",
    "ingest.error.missing_column": "pakollinen sarake puuttuu",
    "ingest.error.duplicate_key": "sama tunniste kuin rivillä {first}",
    "ingest.error.busy": (
        "Toinen samanlaisten tietojen tuonti on käynnissä. Mitään ei tallennettu: tuo "
        "tiedosto uudelleen hetken kuluttua."
    ),
    "ingest.error.conflict": (
        "Joku tallensi samoja tietoja samaan aikaan. Mitään ei tallennettu: tuo tiedosto "
        "uudelleen, niin jo tallennetut rivit jäävät ennalleen."
    ),
    "ingest.error.not_yours": "sinulla ei ole oikeutta muokata kunnan {municipality} tietoja",
    "ingest.error.unknown_client": ("asiakasta ”{value}” ei ole Polussa (tuo asiakkaat ensin)"),
    "ingest.error.client_unusable": "asiakastunnusta ”{value}” ei voi käyttää",
    "ingest.error.unknown_employer": (
        "työnantajaa ”{value}” ei ole Polussa (tuo työnantajat ensin)"
    ),
    "ingest.error.ambiguous_employer": (
        "Polussa on useita työnantajia nimellä ”{value}”: anna Y-tunnus"
    ),
    "ingest.error.employer_required": "anna työnantajan Y-tunnus tai nimi",
    "ingest.error.exit_before_entry": "päättymispäivä on ennen aloituspäivää {entry}",
    "ingest.error.goal_without_exit": (
        "tavoitteen saavuttaminen kirjataan vasta, kun asiakkaalla on päättymispäivä"
    ),
    "ingest.error.end_before_start": "loppupäivä on ennen alkupäivää {start}",
    "ingest.error.signed_after_end": ("allekirjoituspäivä on sopimuksen loppupäivän {end} jälkeen"),
    "ingest.error.before_entry": "päivämäärä on ennen asiakkaan aloituspäivää {entry}",
    "ingest.error.business_id_required": (
        "Y-tunnus puuttuu: vain yksityishenkilöllä ei ole Y-tunnusta"
    ),
    "ingest.error.de_minimis": (
        "työnantajan {employer} de minimis -tuet kolmen vuoden ajalta olisivat {total}, mikä "
        "ylittää enimmäismäärän {ceiling}"
    ),
    "ingest.warning.de_minimis": (
        "työnantajan {employer} de minimis -tuet ovat kolmen vuoden aikana {total} "
        "(enimmäismäärä {ceiling})"
    ),
    "ingest.error.amount": (
        "summa ei ole euroa kuukaudessa × kuukaudet = {expected}; jätä sarake tyhjäksi, niin "
        "summa lasketaan"
    ),
    "ingest.error.decision_date_required": "myönnetyllä tai hylätyllä päätöksellä on päätöspäivä",
    "ingest.error.decision_before_application": "päätöspäivä on ennen hakemuspäivää",
    "ingest.summary.dry_run": (
        "Tarkistettu {rows}, ei virheitä. Tallennettaessa {added} lisätään, {changed} muuttuu, "
        "{unchanged} ennallaan."
    ),
    "ingest.summary.done": (
        "Tuotu {rows}: {added} lisätty, {changed} muutettu, {unchanged} ennallaan."
    ),
    "ingest.summary.refused": (
        "{kind}: {errors}, mitään ei tallennettu. Korjaa virheet ja tuo tiedosto uudelleen."
    ),
    # Counts with their nouns: the key for most numbers, .one for 1 (see plural_form)
    "ingest.count.employers.one": "{count} työnantaja",
    "ingest.count.employers": "{count} työnantajaa",
    "ingest.count.clients.one": "{count} asiakas",
    "ingest.count.clients": "{count} asiakasta",
    "ingest.count.episodes.one": "{count} tilajakso",
    "ingest.count.episodes": "{count} tilajaksoa",
    "ingest.count.outcomes.one": "{count} tulos",
    "ingest.count.outcomes": "{count} tulosta",
    "ingest.count.partnerships.one": "{count} kumppanuussopimus",
    "ingest.count.partnerships": "{count} kumppanuussopimusta",
    "ingest.count.grants.one": "{count} työllistämislisä",
    "ingest.count.grants": "{count} työllistämislisää",
    "ingest.count.costs.one": "{count} kustannus",
    "ingest.count.costs": "{count} kustannusta",
    "ingest.count.errors.one": "{count} virhe",
    "ingest.count.errors": "{count} virhettä",
    "ingest.yes": "kyllä",
    "ingest.no": "ei",
    "ingest.type.text": "teksti",
    "ingest.type.client_code": (
        "pseudonyymi asiakastunnus (kirjaimia, numeroita, viivoja); ei nimiä eikä henkilötunnuksia"
    ),
    "ingest.type.date": "päivämäärä, 1.3.2026 tai 2026-03-01",
    "ingest.type.decimal": "luku, desimaalipilkku tai -piste (1 234,50)",
    "ingest.type.int": "kokonaisluku",
    "ingest.type.bool": "kyllä tai ei",
    "ingest.type.choice": "koodi tai nimi:",
    "ingest.type.choices": "koodit tai nimet pilkulla eroteltuina:",
    "ingest.type.business_id": "Y-tunnus, 1234567-1",
    "ingest.type.codes": "{set}",
    "ingest.set.municipality": "kuntanumero (167) tai kunnan nimi",
    "ingest.set.client_status": "asiakkaan tila hankkeen määrittelystä (Hanke-sivu)",
    "ingest.set.target_group": "kohderyhmät hankkeen määrittelystä (Hanke-sivu)",
    "ingest.set.outcome_type": "tulokset hankkeen määrittelystä",
    "ingest.set.budget_line": "budjetin kustannusrivi (salaries = palkkakulut)",
    "ingest.set.gender": "female / male / other (nainen / mies / muu)",
    "ingest.set.education_level": "isced_0_2 / isced_3_4 / isced_5_8",
    "ingest.set.labour_status": (
        "unemployed / long_term_unemployed / inactive / employed (työtön, pitkäaikaistyötön, "
        "työvoiman ulkopuolella, työssä)"
    ),
    "ingest.set.employer_type": (
        "company / association / foundation / private_person / public (yritys, yhdistys, "
        "säätiö, yksityishenkilö, julkinen toimija)"
    ),
    "ingest.set.contract_type": (
        "fixed_term / permanent (määräaikainen, toistaiseksi voimassa oleva)"
    ),
    "ingest.set.decision": "pending / granted / refused (käsittelyssä, myönnetty, hylätty)",
    "ingest.template.guide": "Ohje",
    "ingest.template.col.header": "Sarake",
    "ingest.template.col.name": "Englanniksi",
    "ingest.template.col.required": "Pakollinen",
    "ingest.template.col.content": "Sisältö",
    "export.info.title": "Polun tietojen vienti",
    "export.info.created": "Luotu",
    "export.info.role": "Viejän rooli",
    "export.info.scope": "Kunnat",
    "export.scope.all": "kaikki kunnat",
    "export.yes": "kyllä",
    "export.no": "ei",
    "ingest.warning.prefix": "varoitus: {text}",
    "forms.error.client_exists": "asiakastunnus ”{value}” on jo käytössä",
    "forms.error.client_exited": "asiakas on päättänyt {exit}: tilaa ei voi enää muuttaa",
    "forms.error.same_status": "asiakas on jo tässä tilassa",
    "forms.error.start_after_current": (
        "uuden tilan on alettava nykyisen tilan alkamisen {start} jälkeen"
    ),
    "forms.error.exit_before_status": ("päättymispäivä on ennen nykyisen tilan alkamista {start}"),
    "forms.error.hetu": (
        "teksti sisältää henkilötunnuksen. Henkilötunnuksia ei saa tallentaa Polkuun"
    ),
    "forms.error.number": (
        "kirjoita luku, esimerkiksi 1 234,50 (desimaalipilkku, välilyönnit tuhaterottimina)"
    ),
    "forms.error.whole_number": "kirjoita kokonaisluku, esimerkiksi 12",
    "forms.error.limit.euros": (
        "{value} on yli uskottavan ylärajan {limit}: tarkista luku ja desimaalipilkku "
        "(esimerkiksi 800,50)"
    ),
    "forms.error.limit.hours": "viikkotunteja voi olla enintään {limit}: tarkista luku",
    "forms.error.limit.months": "kuukausia voi olla enintään {limit}: tarkista luku",
    "forms.choose": "Valitse",
    "forms.save": "Tallenna",
    "forms.read_only": (
        "Voit tarkastella tietoja, mutta et kirjata niitä. Tietoja kirjaavat kuntien "
        "koordinaattorit ja pääkäyttäjä."
    ),
    "forms.saved.client": "Asiakas {key} tallennettu.",
    "forms.saved.status": "Tilamuutos tallennettu: {key}.",
    "forms.saved.exit": "Asiakkaan {key} päättyminen tallennettu.",
    "forms.saved.outcome": "Tulos tallennettu: {key}.",
    "forms.saved.employer": "Työnantaja {key} tallennettu.",
    "forms.saved.grant": "Työllistämislisä tallennettu: {key}.",
    "forms.saved.cost": "Kustannus tallennettu: {key}.",
    "forms.tab.client": "Uusi asiakas",
    "forms.tab.status": "Tilamuutos",
    "forms.tab.exit": "Päättyminen",
    "forms.tab.outcome": "Tulos",
    "forms.tab.employer": "Työnantaja",
    "forms.tab.grant": "Työllistämislisä",
    "forms.tab.cost": "Kustannus",
    "forms.client.caption": (
        "Asiakas kirjataan pseudonyymillä asiakastunnuksella: ei nimiä, ei henkilötunnuksia, "
        "syntymävuosi eikä syntymäpäivää. Ensimmäinen tila alkaa aloituspäivänä."
    ),
    "forms.employer.caption": (
        "Työnantaja tunnistetaan Y-tunnuksesta; yksityishenkilö nimestä ja kunnasta. "
        "Tallennus päivittää olemassa olevan työnantajan."
    ),
    "forms.grant.caption": (
        "Summa on euroa kuukaudessa × kuukaudet. De minimis -tuki saa olla enintään 300 000 € "
        "työnantajaa kohden kolmen vuoden aikana."
    ),
    "forms.grant.review": "Tarkista summa",
    "forms.grant.confirm": (
        "Tarkista ennen tallennusta: {monthly} kuukaudessa × {months} kk = **{amount}** yhteensä."
    ),
    "forms.grant.confirm.button": "Vahvista ja tallenna",
    "forms.number.help": "Desimaalipilkku ja välilyönnit käyvät: 1 234,50",
    "forms.partnership": "Kumppanuussopimus",
    "forms.field.client_code": "Asiakastunnus",
    "forms.field.client_code.help": (
        "Satunnainen pseudonyymi tunnus, esim. PK-7F3K2QX9. Ei nimeä eikä henkilötunnusta."
    ),
    "forms.field.client_pick.help": (
        "Listassa {count} uusinta asiakasta. Muun asiakkaan tunnuksen voi kirjoittaa kenttään."
    ),
    "forms.field.client_pick.help.one": (
        "Listassa {count} uusin asiakas. Muun asiakkaan tunnuksen voi kirjoittaa kenttään."
    ),
    "forms.field.municipality": "Kunta",
    "forms.field.birth_year": "Syntymävuosi",
    "forms.field.entry_date": "Aloituspäivä",
    "forms.field.first_status": "Ensimmäinen tila",
    "forms.field.target_groups": "Kohderyhmät",
    "forms.field.gender": "Sukupuoli",
    "forms.field.education_level": "Koulutustaso",
    "forms.field.labour_status": "Työmarkkina-asema aloittaessa",
    "forms.field.unemployment_months": "Työttömyyden kesto aloittaessa (kk)",
    "forms.field.plan_goal": "Työllistymissuunnitelman tavoite",
    "forms.field.plan_goal.help": "Tavoite lyhyesti, ilman henkilötietoja.",
    "forms.field.new_status": "Uusi tila",
    "forms.field.status_start": "Uusi tila alkaa",
    "forms.field.exit_date": "Päättymispäivä",
    "forms.field.plan_goal_reached": "Saavutettiinko suunnitelman tavoite?",
    "forms.field.outcome_type": "Tulos",
    "forms.field.outcome_date": "Päivämäärä",
    "forms.field.employer_optional": "Työnantaja (jos on)",
    "forms.field.employer": "Työnantaja",
    "forms.field.note": "Lisätieto",
    "forms.field.employer_name": "Nimi",
    "forms.field.business_id": "Y-tunnus",
    "forms.field.business_id.help": "Muodossa 1234567-1. Yksityishenkilöllä ei ole Y-tunnusta.",
    "forms.field.employer_type": "Tyyppi",
    "forms.field.employer_municipality": "Kunta",
    "forms.field.employer_municipality.help": (
        "Kunta, jossa työnantaja toimii; tyhjä, jos toimii koko alueella."
    ),
    "forms.field.no_municipality": "Ei kuntaa (koko alue)",
    "forms.field.with_partnership": "Kirjaa kumppanuussopimus",
    "forms.field.agreement_start": "Sopimus voimassa alkaen",
    "forms.field.signed_on": "Allekirjoituspäivä",
    "forms.field.agreement_end": "Sopimus voimassa asti",
    "forms.field.employment_start": "Työsuhde alkaa",
    "forms.field.employment_end": "Työsuhde päättyy",
    "forms.field.contract_type": "Sopimustyyppi",
    "forms.field.weekly_hours": "Viikkotunnit",
    "forms.field.monthly_amount": "Euroa kuukaudessa",
    "forms.field.months": "Kuukaudet",
    "forms.field.application_date": "Hakemuspäivä",
    "forms.field.decision": "Päätös",
    "forms.field.decision_date": "Päätöspäivä",
    "forms.field.de_minimis": "De minimis -tukea",
    "forms.field.de_minimis.help": (
        "Yritykselle myönnetty lisä on de minimis -tukea: koko summa lasketaan työnantajan "
        "kolmen vuoden enimmäismäärään."
    ),
    "forms.field.after_6": "Työssä 6 kk jälkeen",
    "forms.field.after_12": "Työssä 12 kk jälkeen",
    "forms.field.project_wide": "Koko hanke (ei kuntaa)",
    "forms.field.budget_line": "Budjettirivi",
    "forms.field.cost_municipality": "Kunta",
    "forms.field.booked_on": "Kirjauspäivä",
    "forms.field.amount": "Summa (€)",
    "forms.field.description": "Kuvaus",
    "forms.list.title": "Asiakkaat",
    "forms.list.status": "Nykyinen tila",
    "forms.list.caption": "{count} asiakasta · tilanne {today}",
    "forms.list.caption.one": "{count} asiakas · tilanne {today}",
    "forms.list.caption_limited": (
        "{shown} uusinta {count} asiakkaasta · tilanne {today}. Hae tunnuksella tai vie kaikki "
        "Vienti-sivulta."
    ),
    "forms.list.search": "Hae asiakastunnuksella",
    "import.kind": "Tuotavat tiedot",
    "import.kind.help": (
        "Tuo tiedot tässä järjestyksessä: työnantajat, asiakkaat, tilajaksot, tulokset, "
        "kumppanuussopimukset, työllistämislisät, kustannukset."
    ),
    "import.about.employers": (
        "Työnantajat tunnistetaan Y-tunnuksesta (yksityishenkilöt nimestä ja kunnasta); sama "
        "tiedosto uudelleen ei muuta mitään."
    ),
    "import.about.clients": (
        "Asiakkaat tunnistetaan asiakastunnuksesta. Vain pseudonyymit tunnukset: tiedosto, "
        "jossa on henkilötunnus, hylätään kokonaan."
    ),
    "import.about.episodes": (
        "Tilajakso tunnistetaan asiakastunnuksesta, tilasta ja alkupäivästä. Asiakkaiden on "
        "oltava Polussa."
    ),
    "import.about.outcomes": (
        "Tulos tunnistetaan asiakastunnuksesta, tuloksesta ja päivämäärästä; työnantaja "
        "Y-tunnuksesta."
    ),
    "import.about.partnerships": (
        "Sopimus tunnistetaan työnantajan Y-tunnuksesta ja alkupäivästä."
    ),
    "import.about.grants": (
        "Työllistämislisä tunnistetaan työnantajan Y-tunnuksesta, asiakastunnuksesta ja "
        "työsuhteen alusta. Summa = euroa kuukaudessa × kuukaudet."
    ),
    "import.about.costs": (
        "Kustannus tunnistetaan budjettirivistä, kunnasta, kirjauspäivästä ja kuvauksesta."
    ),
    "import.template_csv": "Tuontipohja (CSV)",
    "import.template_xlsx": "Tuontipohja (Excel)",
    "import.example": "Esimerkkitiedosto",
    "import.columns": "Sarakkeet ja niiden sisältö",
    "import.formats": (
        "CSV puolipisteellä tai pilkulla erotettuna, merkistö UTF-8 tai Windows-1252, tai "
        "Excel (.xlsx). Desimaalipilkku ja päivämäärät muodossa 1.3.2026 tai 2026-03-01 "
        "käyvät. Sarakeotsikot suomeksi tai englanniksi."
    ),
    "import.file": "Tiedosto",
    "import.upload_hint": (
        "Valitse tiedosto. Ennen tallennusta näet esikatselun ja jokaisen virheen rivin ja "
        "sarakkeen."
    ),
    "import.checking": "Tarkistetaan tiedostoa…",
    "import.in_background": (
        "Iso tiedosto käsitellään taustalla; voit jatkaa muilla sivuilla sillä välin."
    ),
    "import.preview": "Esikatselu",
    "import.read_csv": "Luettu CSV-tiedostona: merkistö {encoding}, erotin {separator}",
    "import.read_sheet": "Luettu Excel-taulukko: {sheet}",
    "import.rows": "Rivejä",
    "import.added": "Uusia",
    "import.changed": "Muuttuu",
    "import.unchanged": "Ennallaan",
    "import.errors": "Virheitä",
    "import.fine_rows": "Kunnossa",
    "import.error_rows": "Virheellisiä rivejä",
    "import.has_errors": (
        "Tiedostossa on {count} virhettä. Korjaa ne ja lataa tiedosto uudelleen: mitään ei "
        "tallenneta, ennen kuin tiedosto on virheetön."
    ),
    "import.has_errors.one": (
        "Tiedostossa on {count} virhe. Korjaa se ja lataa tiedosto uudelleen: mitään ei "
        "tallenneta, ennen kuin tiedosto on virheetön."
    ),
    "import.has_warnings": "Tarkista varoitukset ennen tallennusta.",
    "import.severity.error": "Virhe",
    "import.severity.warning": "Varoitus",
    "import.col.row": "Rivi",
    "import.col.column": "Sarake",
    "import.col.severity": "Laji",
    "import.col.reason": "Syy",
    "import.col.action": "Muutos",
    "import.action.added": "uusi",
    "import.action.changed": "muuttuu",
    "import.action.unchanged": "ennallaan",
    "import.action.error": "virhe",
    "import.commit": "Tallenna tiedot",
    "import.commit.help": "Kaikki rivit tallennetaan yhtenä kokonaisuutena, tai ei mitään.",
    "import.saving": "Tallennetaan…",
    "export.scope.caption": "Vienti sisältää tiedot, jotka saat nähdä: {scope}.",
    "export.format": "Muoto",
    "export.format.xlsx": "Excel",
    "export.format.csv": "CSV",
    "export.format.parquet": "Parquet",
    "export.format.xlsx.help": (
        "Excel-työkirja, jossa on taulukko kutakin tietoa kohden, samoin sarakkein kuin "
        "tuontipohjissa: koodien sijaan nimet, oikeat päivämäärät ja luvut. Voi tuoda takaisin "
        "sellaisenaan."
    ),
    "export.format.csv.help": (
        "CSV-tiedosto kutakin tietoa kohden (puolipiste, UTF-8) Exceliä varten: koodien sijaan "
        "nimet, päivämäärät muodossa 1.3.2026 ja desimaalipilkku. Voi tuoda takaisin "
        "sellaisenaan. Kaavoina suoritettavat solut on tehty vaarattomiksi."
    ),
    "export.format.parquet.help": (
        "Kaikkien taulujen Parquet-tilannekuva ja tietosanasto analyysia varten "
        "(polku.exports.open_snapshot): koodit ja tietotyypit sellaisinaan, nimet "
        "koodiluetteloissa."
    ),
    "export.prepare": "Muodosta vienti",
    "export.preparing": "Muodostetaan…",
    "export.download": "Lataa zip",
    "export.size": "Koko {size} Mt",
    # End of import, export and data entry
    # Fixed code sets (models.py)
    "role.admin": "Pääkäyttäjä",
    "role.coordinator": "Koordinaattori",
    "role.director": "Johtaja",
    "role.analyst": "Analyytikko",
    "checklist_status.not_started": "Ei aloitettu",
    "checklist_status.in_progress": "Käynnissä",
    "checklist_status.done": "Valmis",
    "checklist_status.not_applicable": "Ei koske",
    "checklist_status.blocked": "Estynyt",
    "gender.female": "Nainen",
    "gender.male": "Mies",
    "gender.other": "Muu",
    "education_level.isced_0_2": "Enintään perusaste (ISCED 0–2)",
    "education_level.isced_3_4": "Toinen aste (ISCED 3–4)",
    "education_level.isced_5_8": "Korkea-aste (ISCED 5–8)",
    "labour_status.unemployed": "Työtön",
    "labour_status.long_term_unemployed": "Pitkäaikaistyötön",
    "labour_status.inactive": "Työvoiman ulkopuolella",
    "labour_status.employed": "Työssä",
    "employer_type.company": "Yritys",
    "employer_type.association": "Yhdistys",
    "employer_type.foundation": "Säätiö",
    "employer_type.private_person": "Yksityishenkilö",
    "employer_type.public": "Julkinen toimija",
    "contract_type.fixed_term": "Määräaikainen",
    "contract_type.permanent": "Toistaiseksi voimassa oleva",
    "decision.pending": "Käsittelyssä",
    "decision.granted": "Myönnetty",
    "decision.refused": "Hylätty",
    "work_package_scope.municipality": "kuntakohtainen",
    "work_package_scope.region": "koko alue",
    "indicator_kind.count": "Lukumäärä",
    "indicator_kind.rate": "Osuus",
    "budget_kind.cost": "Kustannus",
    "budget_kind.financing": "Rahoitus",
}

_EN: dict[str, str] = {
    "app.title": "Polku",
    "app.language": "Kieli · Language",
    "app.language.help": "Käyttöliittymän kieli · The language of the interface",
    "lang.fi": "Suomi",
    "lang.en": "English",
    "app.municipality": "Municipality",
    "app.municipality.help": (
        "The municipality to show, or the whole region. The choice stays when you change "
        "pages and shows in the address, so a link opens the same view."
    ),
    "app.region": "Whole region",
    "nav.monitoring": "Monitoring",
    "nav.data": "Data",
    "nav.admin": "Administration",
    "db.not_ready.title": "The database is not ready yet",
    "db.no_schema": "The database has no Polku tables yet.",
    "db.outdated": "The database schema is older than this version of Polku.",
    "db.no_project": "The project definition (data/project.toml) has not been loaded.",
    "db.unreachable": "The database cannot be reached.",
    "db.bad_url": "The database address (the DATABASE_URL setting) is not valid.",
    "db.read_only": "The database cannot be written to (read-only, or the disk is full).",
    "db.vanished": (
        "The database file was deleted or replaced while the app was running. Nothing was saved."
    ),
    "db.vanished_fix": ("Put the database file back and restart Polku; contact the administrator."),
    "db.failed": "Polku could not start because of an unexpected error.",
    "db.failed_fix": (
        "Reload the page. If the error persists, contact the administrator: the type of the "
        "error is in the server's log."
    ),
    "db.how_to_fix": (
        "Run `python -m polku init` (or `make run`) on the server and reload the page."
    ),
    "db.unreachable_fix": (
        "Check the database server and the DATABASE_URL setting; contact the administrator "
        "if needed."
    ),
    "page.overview": "Overview",
    "page.overview.help": (
        "Clients, employers and phase checklists in the chosen municipality or the whole region."
    ),
    "page.indicators": "Indicators",
    "page.indicators.help": "The project's expected results and how far they are reached.",
    "page.checklists": "Phase checklists",
    "page.checklists.help": "Checklists of the work packages' phases and their progress.",
    "page.clients": "Clients and data entry",
    "page.clients.help": "Recording clients, employers and employment bonuses.",
    "page.import": "Import",
    "page.import.help": "Importing data from CSV and Excel files.",
    "page.export": "Export",
    "page.export.help": "Exporting data to Excel, CSV and Parquet.",
    "page.users": "Users",
    "page.users.help": "Users, roles and municipalities.",
    "page.project": "Project",
    "page.project.help": (
        "The project definition: municipalities, work packages and phases, targets, budget "
        "and staff."
    ),
    "overview.scope": "{scope} · project period {period} · as of {as_of}",
    "overview.clients": "Clients",
    "overview.clients.entered": "Entered in total",
    "overview.clients.entered.help": "Clients whose entry date is today or earlier.",
    "overview.clients.active": "Active now",
    "overview.clients.active.help": "Clients who have entered and not yet exited.",
    "overview.clients.exited": "Exited",
    "overview.clients.exited.help": "Clients whose exit date is today or earlier.",
    "overview.employers": "Employers",
    "overview.employers.total": "Employers in total",
    "overview.employers.total.help": "Employers recorded in Polku.",
    "overview.employers.partners": "Partnership in force",
    "overview.employers.partners.help": "Employers with a partnership agreement in force today.",
    "overview.checklists": "Phase checklists",
    "overview.checklists.region_note": (
        "Whole region: the checklists of every municipality (work package 1) and the "
        "region's shared checklist (work package 2)."
    ),
    "overview.checklists.municipality_note": "The municipality's checklist (work package 1).",
    "overview.checklists.total": "Items in total",
    "overview.checklists.done": "Done",
    "overview.checklists.done.help": "Items that are done or do not apply.",
    "overview.progress": "Progress by phase",
    "overview.progress.work_package": "Work package",
    "overview.progress.phase": "Phase",
    "overview.progress.done": "Done",
    "overview.progress.total": "Total",
    "overview.progress.share": "Share",
    "overview.progress.empty": "No checklist items.",
    "project.period": "Project period {period}",
    "project.lead": "Lead municipality: {name}",
    "project.municipalities": "Municipalities",
    "project.municipalities.total": "{count} municipalities, {population} inhabitants in total.",
    "project.municipalities.total.one": "{count} municipality, {population} inhabitants in total.",
    "project.col.code": "Code",
    "project.col.municipality": "Municipality",
    "project.col.population": "Population",
    "project.col.population_share": "Share of population",
    "project.work_packages": "Work packages and phases",
    "project.work_package.scope": "Scope: {scope}",
    "project.col.position": "No.",
    "project.col.item": "Item",
    "project.col.required": "Required",
    "project.phase.items": "{count} items",
    "project.phase.items.one": "{count} item",
    "project.targets": "Targets",
    "project.col.indicator": "Indicator",
    "project.col.kind": "Kind",
    "project.col.target": "Target",
    "project.col.note": "Note",
    "project.budget": "Budget",
    "project.col.budget_line": "Line",
    "project.col.amount": "Amount",
    "project.col.share": "Share",
    "project.budget.totals": "Costs in total {cost} · financing in total {financing}",
    "project.staff": "Staff",
    "project.col.role": "Role",
    "project.col.fte": "Full-time equivalents",
    "project.staff.total": "{fte} full-time equivalents in total.",
    "project.staff.total.one": "{fte} full-time equivalent in total.",
    "project.none": "No data.",
    "access.denied.read_aggregates": "You may not see the figures of this municipality.",
    "access.denied.read_rows": (
        "You may not see client-level or row-level data of this municipality."
    ),
    "access.denied.edit": "You may not edit the data of this municipality.",
    "access.denied.export": "You may not export data from Polku.",
    "access.denied.manage": (
        "Only an administrator can manage users, targets and checklist templates."
    ),
    "auth.sign_in.title": "Sign in to Polku",
    "auth.sign_in.text": (
        "Polku is the monitoring tool of the North Karelia intermediate labour market project. "
        "Sign in with your organisation's account."
    ),
    "auth.sign_in": "Sign in",
    "auth.sign_in.with": "Sign in: {name}",
    "auth.sign_out": "Sign out",
    "auth.signed_in_as": "Signed in: {name} ({role})",
    "auth.no_access.title": "No access",
    "auth.no_access.text": (
        "Your account has no access to Polku. Ask Polku's administrator (the project manager) "
        "for access."
    ),
    "auth.not_configured.title": "Sign-in is not configured",
    "auth.not_configured.text": (
        "Polku shows no data until sign-in is configured: add an [auth] section to "
        ".streamlit/secrets.toml (see the README). For a demo: make run."
    ),
    "auth.demo.banner": (
        "Demo mode: synthetic sample data, no sign-in. Pick another demo user in the sidebar "
        "to see what each role sees."
    ),
    "auth.demo.user": "Demo user",
    "auth.demo.user.help": "In demo mode you can act as any sample user.",
    "users.col.email": "E-mail",
    "users.col.name": "Name",
    "users.col.role": "Role",
    "users.col.municipalities": "Municipalities",
    "users.col.active": "Active",
    "users.edit": "Add or change a user",
    "users.pick": "User",
    "users.new": "New user",
    "users.municipalities.help": (
        "A coordinator edits and a director sees these municipalities. Admins and analysts "
        "see every municipality."
    ),
    "users.save": "Save",
    "users.saved": "User {email} saved.",
    "users.remove": "Remove a user",
    "users.remove.confirm": "I want to remove the user {email}",
    "users.remove.button": "Remove",
    "users.removed": "User {email} removed.",
    "overview.targets": "Targets",
    "dash.period": "Period",
    "dash.period.help": "The charts' time span; the cards show the last day of the period.",
    "dash.target_group": "Target group",
    "dash.all_groups": "All target groups",
    "dash.scope": "{scope} · {period} · {group}",
    "dash.target_group_note": (
        "Targets cover all clients; a target group's figures are part of them."
    ),
    "dash.trajectories": "Targets over time",
    "dash.clients": "Clients",
    "dash.municipalities": "Municipalities side by side",
    "dash.indicator": "Indicator",
    "dash.outcomes": "Outcomes",
    "dash.employers": "Employers",
    "kpi.ahead": "On or ahead of the trajectory",
    "kpi.behind": "Behind the trajectory",
    "kpi.help.count": (
        "Actual by the day. Trajectory: target × elapsed share of the project period (or "
        "through the milestones). A municipality's target is its population share of the "
        "region's unless set otherwise."
    ),
    "kpi.help.rate": (
        "Clients who reached their goal ÷ clients who left. Always numerator ÷ denominator, "
        "never an average of percentages."
    ),
    "kpi.target_line": "Target {target} · reached {share} · trajectory now {expected}",
    "kpi.rate_parts": "{numerator} / {denominator} who left",
    "kpi.target_line.hidden": "Target {target} · trajectory now {expected}",
    "dash.cards_cumulative": (
        "The cards are cumulative from the project's start to the period's end ({period}), "
        "as the targets are for the whole project; the period limits the charts."
    ),
    "chart.show_data": "Show data",
    "chart.actual": "Actual",
    "chart.expected": "Target trajectory",
    "chart.target": "Target",
    "chart.today": "today",
    "chart.month": "Month",
    "chart.clients": "Clients",
    "chart.status": "Status",
    "chart.target_group": "Target group",
    "chart.stage": "Stage",
    "chart.municipality": "Municipality",
    "chart.employers": "Employers",
    "chart.partnerships": "Partnership in force",
    "chart.bonus_employers": "Granted the bonus",
    "chart.euros_granted": "Granted (€)",
    "chart.other_statuses": "Other statuses",
    "chart.trajectory.title": "{indicator}: actual and target trajectory, {scope}",
    "chart.active_by_status.title": "Active clients by status at month end, {scope}",
    "chart.new_clients.title": "New clients per month, {scope}",
    "chart.by_target_group.title": "Clients by target group, {scope}",
    "chart.against_target.title": (
        "Municipalities: actual (bar), trajectory now (orange) and target (black)"
    ),
    "chart.funnel.title": "From entry to outcomes by target group, {scope}",
    "chart.employers.title": "Partnerships and employers granted the bonus, {scope}",
    "chart.euros.title": "Employment bonus granted per month in euros, {scope}",
    "funnel.entered": "Entered",
    "funnel.left": "Left",
    "funnel.plan_goal_reached": "Goal reached",
    "funnel.employed_at_company": "Employed at a company",
    "privacy.small_count": "< {limit}",
    "privacy.hidden": "–",
    "privacy.note": (
        "Counts of fewer than 5 people are not shown (< 5), nor figures they could be worked "
        "out from. A rate is shown when at least 5 have left and neither those who reached the "
        "goal nor the others are 1–4 (otherwise < 5 or –)."
    ),
    "users.error.email": "Not a valid e-mail address: {value}",
    "users.error.role": "Unknown role: {value}",
    "users.error.municipality": "Unknown municipality code: {value}",
    "users.error.needs_municipality": "The role {role} needs at least one municipality.",
    "users.error.unknown": "No such user: {value}",
    "users.error.self": "You cannot remove your own user.",
    # Phase checklists (pages/checklists.py, polku/checklists.py)
    "checklists.caption.municipality": "{place} · {work_package}",
    "checklists.caption.region": (
        "Whole region · the municipalities' progress (work package 1) and the region's shared "
        "checklist: {work_package}"
    ),
    "checklists.read_only": (
        "You can view this checklist but not edit it. The municipality's coordinators and the "
        "administrator edit it."
    ),
    "checklists.read_only.region": "The administrator edits the region's shared checklist.",
    "checklists.current_phase": "Current phase: {phase}",
    "checklists.all_complete": "Every phase complete",
    "checklists.phase.complete": "Complete",
    "checklists.phase.current": "Current phase",
    "checklists.phase.upcoming": "Upcoming",
    "checklists.phase.flagged": "Work started before an earlier phase is complete",
    "checklists.phase.progress": "{done} / {total} done",
    "checklists.phase.required_open": "Required items open: {count}",
    "checklists.phase.empty": "This phase has no items.",
    "checklists.flags.warning": (
        "Work has started in {phases} while an earlier phase is still open. This is allowed, "
        "but make sure no required item of the earlier phase is left undone."
    ),
    "checklists.own_suffix": "(own)",
    "checklists.yes": "Yes",
    "checklists.no": "No",
    "checklists.field.status": "Status",
    "checklists.field.owner": "Owner",
    "checklists.field.due_date": "Due date",
    "checklists.field.note": "Note",
    "checklists.field.evidence_url": "Evidence (link)",
    "checklists.field.title": "Name",
    "checklists.field.required": "Required",
    "checklists.field.phase_id": "Phase",
    "checklists.field.version": "Version",
    "checklists.field.operating_model_code": "Operating model",
    "checklists.field.coaching_environment": "Coaching environment",
    "checklists.field.services": "Services",
    "checklists.col.item": "Item",
    "checklists.col.phase": "Phase",
    "checklists.col.municipality": "Municipality",
    "checklists.col.updated_at": "Updated",
    "checklists.col.updated_by": "Updated by",
    "checklists.col.done": "Done",
    "checklists.col.total": "Total",
    "checklists.col.share": "Share",
    "checklists.col.required_open": "Required open",
    "checklists.col.state": "Phase state",
    "checklists.col.flag": "Note",
    "checklists.col.deadline": "Deadline",
    "checklists.col.at": "Time",
    "checklists.col.user": "User",
    "checklists.col.action": "Change",
    "checklists.col.field": "Field",
    "checklists.col.old": "Old value",
    "checklists.col.new": "New value",
    "checklists.action.create": "added",
    "checklists.action.update": "changed",
    "checklists.action.delete": "removed",
    "checklists.help.status": "Done and Not applicable count as done.",
    "checklists.help.evidence_url": "A link to a document or minutes (http:// or https://).",
    "checklists.help.required": (
        "A phase is complete when every required item is done or does not apply."
    ),
    "checklists.save": "Save changes",
    "checklists.saved": "Saved the changes of {count} items.",
    "checklists.saved.one": "Saved the changes of {count} item.",
    "checklists.nothing_to_save": "No changes to save.",
    "checklists.pending": "Unsaved changes in {count} items. Save or discard them.",
    "checklists.pending.one": "Unsaved changes in {count} item. Save or discard them.",
    "checklists.discard": "Discard changes",
    "checklists.errors": "Nothing was saved:",
    "checklists.conflict.title": (
        "Someone else saved the same item while you were editing it. Your changes were not "
        "saved; they are still shown below."
    ),
    "checklists.conflict.item": "{item}: {who} changed this at {when}: {changes}",
    "checklists.conflict.yours": "Your changes: {changes}",
    "checklists.conflict.overwrite": "Save my changes anyway",
    "checklists.conflict.discard": "Discard my changes and show the latest",
    "checklists.own.title": "Own items",
    "checklists.own.help": (
        "You can add your own items to a phase. An added item can be removed by whoever added "
        "it or by the administrator; the project plan's items cannot be removed."
    ),
    "checklists.own.add": "Add an own item",
    "checklists.own.phase": "Phase",
    "checklists.own.name": "Name of the item",
    "checklists.own.new": "New item",
    "checklists.own.added": "Item “{item}” added.",
    "checklists.own.remove": "Remove an own item",
    "checklists.own.pick": "Item to remove",
    "checklists.own.remove.confirm": "I want to remove the item “{item}”",
    "checklists.own.remove.button": "Remove",
    "checklists.own.removed": "Item “{item}” removed.",
    "checklists.own.none": "You have added no items of your own to this checklist.",
    "checklists.own.locked": "Save or discard the changes in the tables first.",
    "checklists.setup.title": "Operating model and services",
    "checklists.setup.entity": "Operating model and services",
    "checklists.setup.operating_model": "Local operating model",
    "checklists.setup.none": "Not chosen yet",
    "checklists.setup.environment": "Name of the coaching environment",
    "checklists.setup.services": "Services of the coaching environment",
    "checklists.setup.save": "Save operating model and services",
    "checklists.setup.saved": "Operating model and services saved.",
    "checklists.setup.updated": "Updated {when} ({who})",
    "checklists.setup.changed": (
        "{who} changed the operating model or services at {when}. The form shows them as they "
        "were when you opened it."
    ),
    "checklists.setup.refresh": "Show the latest",
    "checklists.history.title": "History",
    "checklists.history.recent": "Recent changes",
    "checklists.history.item": "History of an item",
    "checklists.history.pick": "Item",
    "checklists.history.empty": "No changes recorded.",
    "checklists.export": "Download Excel for the steering group",
    "checklists.export.help": (
        "The checklist as an Excel file: items by phase with status, owner and due date, and "
        "progress by phase."
    ),
    "checklists.export.file": "checklist-{place}-{date}.xlsx",
    "checklists.xlsx.sheet.items": "Checklist",
    "checklists.xlsx.sheet.progress": "Progress",
    "checklists.xlsx.title": "Checklist – {place}",
    "checklists.xlsx.as_of": "As of {date} · current phase: {phase}",
    "checklists.xlsx.progress_title": "Progress by phase – {place}",
    "checklists.region.matrix": "The municipalities' progress by phase",
    "checklists.region.matrix.caption": (
        "Each cell: items done / all items. ▶ marks the municipality's current phase (the "
        "first with required items open), ✓ a complete phase."
    ),
    "checklists.region.matrix.table": "The same as a table",
    "checklists.region.wp2": "The region's shared checklist",
    "checklists.region.deadlines": "Overdue and upcoming deadlines",
    "checklists.region.deadlines.caption": (
        "Open items due already or within the next {days} days: the municipalities you may see "
        "and the region's shared items."
    ),
    "checklists.region.deadlines.caption.one": (
        "Open items due already or within the next {days} day: the municipalities you may see "
        "and the region's shared items."
    ),
    "checklists.region.deadlines.empty": "No overdue or upcoming deadlines.",
    "checklists.deadline.overdue": "{days} d overdue",
    "checklists.deadline.today": "Today",
    "checklists.deadline.upcoming": "{days} d left",
    "checklists.chart.title": "Checklist progress by municipality",
    "checklists.chart.share": "Done",
    "checklists.chart.state": "Phase state",
    "checklists.error.status": "{item}: the status “{value}” is not allowed.",
    "checklists.error.due_date": "{item}: the due date “{value}” is not a date.",
    "checklists.error.url": (
        "{item}: {field} is not a web address. Give an address starting with http:// or https://."
    ),
    "checklists.error.hetu": (
        "{item}, {field}: the text contains a personal identity code. Identity codes must not "
        "be stored in Polku."
    ),
    "checklists.warning.hetu": (
        "{item}, {field}: the text resembles a personal identity code. Make sure it holds no "
        "personal data."
    ),
    "checklists.error.too_long": "{item}, {field}: at most {max} characters (now {length}).",
    "checklists.error.title_required": "{item}: an own item needs a name.",
    "checklists.error.read_only": "{item}: the field {field} of a project plan item cannot change.",
    "checklists.error.unknown_item": "The item {item} no longer exists: someone removed it.",
    "checklists.error.template_item": (
        "{item} is an item of the project plan: only items added by users can be removed."
    ),
    "checklists.error.not_creator": (
        "{item}: only the user who added the item or the administrator can remove it."
    ),
    "checklists.error.phase": "{item}: the phase is not on this checklist.",
    "checklists.error.operating_model": "Unknown operating model: {value}",
    "checklists.error.service": "Unknown service: {value}",
    # Import, export and data entry (polku/ingest.py, polku/exports.py, polku/forms.py)
    "kind.employers": "Employers",
    "kind.clients": "Clients",
    "kind.episodes": "Status episodes",
    "kind.outcomes": "Outcomes",
    "kind.partnerships": "Partnership agreements",
    "kind.grants": "Employment bonuses",
    "kind.costs": "Costs",
    "ingest.at.cell": "row {row}, column {column}: {reason}",
    "ingest.at.row": "row {row}: {reason}",
    "ingest.at.column": "column {column}: {reason}",
    "ingest.error.empty": "The file is empty.",
    "ingest.error.too_large": (
        "The file is too large: {size} MB, at most {max} MB. Split it into parts."
    ),
    "ingest.error.too_large_unpacked": (
        "The Excel file unpacks to too much: {size} MB, at most {max} MB. Save the data as CSV "
        "or split it into parts."
    ),
    "ingest.error.too_many_rows": "The file has more than {max} rows. Split it into parts.",
    "ingest.error.too_many_columns": "The file has more than {max} columns.",
    "ingest.error.cell_too_long": "the cell holds more than {max} characters",
    "ingest.error.xls": (
        "The old .xls format cannot be read. Save the file in Excel as .xlsx or CSV."
    ),
    "ingest.error.no_header": "The first row holds no column headers.",
    "ingest.error.bad_line": (
        "the row has a different number of columns than the header row (check the separators "
        "and quotes)"
    ),
    "ingest.error.bad_xlsx": "The Excel file cannot be read: it is damaged or not an .xlsx file.",
    "ingest.error.date": "the date “{value}” is not valid (write 1.3.2026 or 2026-03-01)",
    "ingest.error.number": "“{value}” is not a number",
    "ingest.error.integer": "“{value}” is not a whole number",
    "ingest.error.bool": "“{value}” is not yes or no",
    "ingest.error.required": "the value is missing",
    "ingest.error.too_long": "at most {max} characters (now {length})",
    "ingest.error.outside_period": "the date is not within the project period {period}",
    "ingest.error.future": "the date {value} is in the future",
    "ingest.error.business_id": (
        "the business ID “{value}” is not valid: format 1234567-1 with the right check digit"
    ),
    "ingest.error.client_code": (
        "a client code holds only letters, digits, hyphens and underscores"
    ),
    "ingest.error.hetu": (
        "the cell holds a personal identity code. Identity codes must not enter Polku: the "
        "whole file is refused"
    ),
    "ingest.error.hetu_like": (
        "the cell resembles a personal identity code. Identity codes must not enter Polku: "
        "the whole file is refused"
    ),
    "ingest.error.hetu_sheet": (
        "the sheet's name holds or resembles a personal identity code. Identity codes must not "
        "enter Polku: the whole file is refused"
    ),
    "ingest.warning.hetu": (
        "the text resembles a personal identity code. Make sure it holds no personal data"
    ),
    "ingest.error.unknown.municipality": "unknown municipality “{value}” ({allowed})",
    "ingest.error.unknown.client_status": "unknown status “{value}” (allowed: {allowed})",
    "ingest.error.unknown.target_group": "unknown target group “{value}” (allowed: {allowed})",
    "ingest.error.unknown.outcome_type": "unknown outcome “{value}” (allowed: {allowed})",
    "ingest.error.unknown.budget_line": "unknown cost line “{value}” (allowed: {allowed})",
    "ingest.error.unknown.gender": "unknown gender “{value}” (allowed: {allowed})",
    "ingest.error.unknown.education_level": (
        "unknown education level “{value}” (allowed: {allowed})"
    ),
    "ingest.error.unknown.labour_status": (
        "unknown labour-market status “{value}” (allowed: {allowed})"
    ),
    "ingest.error.unknown.employer_type": ("unknown employer type “{value}” (allowed: {allowed})"),
    "ingest.error.unknown.contract_type": ("unknown contract type “{value}” (allowed: {allowed})"),
    "ingest.error.unknown.decision": "unknown decision “{value}” (allowed: {allowed})",
    "ingest.see_template": "see the allowed values in the template's guide",
    "ingest.error.range": "the value must be from {low} to {high}",
    "ingest.error.range_open": "the value must be above {low} and at most {high}",
    "ingest.error.minimum": "the value must be at least {low}",
    "ingest.error.maximum": "the value must be at most {high}",
    "ingest.warning.no_header": "the column has no header: it is ignored",
    "ingest.warning.unknown_column": "unknown column, ignored",
    "ingest.error.duplicate_column": "the column is in the file twice (also “{first}”)",
    "ingest.error.missing_column": "a required column is missing",
    "ingest.error.duplicate_key": "the same identifier as on row {first}",
    "ingest.error.busy": (
        "Another import of the same kind of data is running. Nothing was saved: import the "
        "file again in a moment."
    ),
    "ingest.error.conflict": (
        "Someone saved the same data at the same time. Nothing was saved: import the file "
        "again and the rows already saved stay as they are."
    ),
    "ingest.error.not_yours": "you may not edit the data of {municipality}",
    "ingest.error.unknown_client": "the client “{value}” is not in Polku (import clients first)",
    "ingest.error.client_unusable": "the client code “{value}” cannot be used",
    "ingest.error.unknown_employer": (
        "the employer “{value}” is not in Polku (import employers first)"
    ),
    "ingest.error.ambiguous_employer": (
        "Polku has several employers named “{value}”: give the business ID"
    ),
    "ingest.error.employer_required": "give the employer's business ID or name",
    "ingest.error.exit_before_entry": "the exit date is before the entry date {entry}",
    "ingest.error.goal_without_exit": (
        "whether the plan goal was reached is recorded once the client has an exit date"
    ),
    "ingest.error.end_before_start": "the end date is before the start date {start}",
    "ingest.error.signed_after_end": "the agreement is signed after its end date {end}",
    "ingest.error.before_entry": "the date is before the client's entry date {entry}",
    "ingest.error.business_id_required": (
        "the business ID is missing: only a private person has none"
    ),
    "ingest.error.de_minimis": (
        "the de minimis aid of {employer} would reach {total} over three years, above the "
        "ceiling of {ceiling}"
    ),
    "ingest.warning.de_minimis": (
        "the de minimis aid of {employer} is {total} over three years (ceiling {ceiling})"
    ),
    "ingest.error.amount": (
        "the amount is not euros per month × months = {expected}; leave the column empty and "
        "the amount is computed"
    ),
    "ingest.error.decision_date_required": "a granted or refused decision has a decision date",
    "ingest.error.decision_before_application": "the decision date is before the application date",
    "ingest.summary.dry_run": (
        "Checked {rows}, no errors. Saving adds {added}, changes {changed}, leaves "
        "{unchanged} as they are."
    ),
    "ingest.summary.done": (
        "Imported {rows}: {added} added, {changed} changed, {unchanged} unchanged."
    ),
    "ingest.summary.refused": (
        "{kind}: {errors}, nothing was saved. Correct them and import the file again."
    ),
    # Counts with their nouns: the key for most numbers, .one for 1 (see plural_form)
    "ingest.count.employers.one": "{count} employer",
    "ingest.count.employers": "{count} employers",
    "ingest.count.clients.one": "{count} client",
    "ingest.count.clients": "{count} clients",
    "ingest.count.episodes.one": "{count} status episode",
    "ingest.count.episodes": "{count} status episodes",
    "ingest.count.outcomes.one": "{count} outcome",
    "ingest.count.outcomes": "{count} outcomes",
    "ingest.count.partnerships.one": "{count} partnership agreement",
    "ingest.count.partnerships": "{count} partnership agreements",
    "ingest.count.grants.one": "{count} employment bonus",
    "ingest.count.grants": "{count} employment bonuses",
    "ingest.count.costs.one": "{count} cost",
    "ingest.count.costs": "{count} costs",
    "ingest.count.errors.one": "{count} error",
    "ingest.count.errors": "{count} errors",
    "ingest.yes": "yes",
    "ingest.no": "no",
    "ingest.type.text": "text",
    "ingest.type.client_code": (
        "pseudonymous client code (letters, digits, hyphens); no names or identity codes"
    ),
    "ingest.type.date": "date, 1.3.2026 or 2026-03-01",
    "ingest.type.decimal": "number, decimal comma or point (1 234,50)",
    "ingest.type.int": "whole number",
    "ingest.type.bool": "yes or no (kyllä / ei)",
    "ingest.type.choice": "code or name:",
    "ingest.type.choices": "codes or names separated by commas:",
    "ingest.type.business_id": "business ID (Y-tunnus), 1234567-1",
    "ingest.type.codes": "{set}",
    "ingest.set.municipality": "municipality number (167) or name",
    "ingest.set.client_status": "a client status of the project definition (Project page)",
    "ingest.set.target_group": "target groups of the project definition (Project page)",
    "ingest.set.outcome_type": "outcomes of the project definition",
    "ingest.set.budget_line": "a cost line of the budget (salaries)",
    "ingest.set.gender": "female / male / other",
    "ingest.set.education_level": "isced_0_2 / isced_3_4 / isced_5_8",
    "ingest.set.labour_status": "unemployed / long_term_unemployed / inactive / employed",
    "ingest.set.employer_type": ("company / association / foundation / private_person / public"),
    "ingest.set.contract_type": "fixed_term / permanent",
    "ingest.set.decision": "pending / granted / refused",
    "ingest.template.guide": "Guide",
    "ingest.template.col.header": "Column",
    "ingest.template.col.name": "In English",
    "ingest.template.col.required": "Required",
    "ingest.template.col.content": "Content",
    "export.info.title": "Export of Polku data",
    "export.info.created": "Created",
    "export.info.role": "Role of the exporter",
    "export.info.scope": "Municipalities",
    "export.scope.all": "all municipalities",
    "export.yes": "yes",
    "export.no": "no",
    "ingest.warning.prefix": "warning: {text}",
    "forms.error.client_exists": "the client code “{value}” is already in use",
    "forms.error.client_exited": "the client left on {exit}: the status can no longer change",
    "forms.error.same_status": "the client is in this status already",
    "forms.error.start_after_current": "the new status must start after the current one ({start})",
    "forms.error.exit_before_status": "the exit date is before the current status began ({start})",
    "forms.error.hetu": (
        "the text contains a personal identity code. Identity codes must not be stored in Polku"
    ),
    "forms.error.number": "write a number, e.g. 1,234.50 or 1234.5",
    "forms.error.whole_number": "write a whole number, e.g. 12",
    "forms.error.limit.euros": (
        "{value} is above the plausible maximum of {limit}: check the number and its decimal "
        "separator (e.g. 800.50)"
    ),
    "forms.error.limit.hours": "weekly hours can be at most {limit}: check the number",
    "forms.error.limit.months": "there can be at most {limit} months: check the number",
    "forms.choose": "Choose",
    "forms.save": "Save",
    "forms.read_only": (
        "You may look at the data but not record it. The municipalities' coordinators and the "
        "administrator record data."
    ),
    "forms.saved.client": "Client {key} saved.",
    "forms.saved.status": "Status change saved: {key}.",
    "forms.saved.exit": "The exit of client {key} saved.",
    "forms.saved.outcome": "Outcome saved: {key}.",
    "forms.saved.employer": "Employer {key} saved.",
    "forms.saved.grant": "Employment bonus saved: {key}.",
    "forms.saved.cost": "Cost saved: {key}.",
    "forms.tab.client": "New client",
    "forms.tab.status": "Status change",
    "forms.tab.exit": "Exit",
    "forms.tab.outcome": "Outcome",
    "forms.tab.employer": "Employer",
    "forms.tab.grant": "Employment bonus",
    "forms.tab.cost": "Cost",
    "forms.client.caption": (
        "A client is recorded under a pseudonymous code: no names, no identity codes, the birth "
        "year and not the birth date. The first status starts on the entry date."
    ),
    "forms.employer.caption": (
        "An employer is known by its business ID; a private person by name and municipality. "
        "Saving updates an employer already recorded."
    ),
    "forms.grant.caption": (
        "The amount is euros per month × months. De minimis aid may be at most 300 000 € per "
        "employer over three years."
    ),
    "forms.grant.review": "Check the amount",
    "forms.grant.confirm": (
        "Check before saving: {monthly} per month × {months} months = **{amount}** in total."
    ),
    "forms.grant.confirm.button": "Confirm and save",
    "forms.number.help": "For example 1,234.50 or 1234.5 (a decimal comma works too)",
    "forms.partnership": "Partnership agreement",
    "forms.field.client_code": "Client code",
    "forms.field.client_code.help": (
        "A random pseudonymous code, e.g. PK-7F3K2QX9. No name, no identity code."
    ),
    "forms.field.client_pick.help": (
        "The list shows the {count} newest clients. Type any other client's code."
    ),
    "forms.field.client_pick.help.one": (
        "The list shows the {count} newest client. Type any other client's code."
    ),
    "forms.field.municipality": "Municipality",
    "forms.field.birth_year": "Birth year",
    "forms.field.entry_date": "Entry date",
    "forms.field.first_status": "First status",
    "forms.field.target_groups": "Target groups",
    "forms.field.gender": "Gender",
    "forms.field.education_level": "Education level",
    "forms.field.labour_status": "Labour-market status at entry",
    "forms.field.unemployment_months": "Months of unemployment at entry",
    "forms.field.plan_goal": "Goal of the employment plan",
    "forms.field.plan_goal.help": "The goal in brief, without personal data.",
    "forms.field.new_status": "New status",
    "forms.field.status_start": "New status starts",
    "forms.field.exit_date": "Exit date",
    "forms.field.plan_goal_reached": "Was the plan goal reached?",
    "forms.field.outcome_type": "Outcome",
    "forms.field.outcome_date": "Date",
    "forms.field.employer_optional": "Employer (if any)",
    "forms.field.employer": "Employer",
    "forms.field.note": "Note",
    "forms.field.employer_name": "Name",
    "forms.field.business_id": "Business ID (Y-tunnus)",
    "forms.field.business_id.help": "As 1234567-1. A private person has none.",
    "forms.field.employer_type": "Type",
    "forms.field.employer_municipality": "Municipality",
    "forms.field.employer_municipality.help": (
        "The municipality the employer works in; empty when it works across the region."
    ),
    "forms.field.no_municipality": "No municipality (whole region)",
    "forms.field.with_partnership": "Record a partnership agreement",
    "forms.field.agreement_start": "Agreement in force from",
    "forms.field.signed_on": "Date signed",
    "forms.field.agreement_end": "Agreement in force until",
    "forms.field.employment_start": "Employment starts",
    "forms.field.employment_end": "Employment ends",
    "forms.field.contract_type": "Contract type",
    "forms.field.weekly_hours": "Weekly hours",
    "forms.field.monthly_amount": "Euros per month",
    "forms.field.months": "Months",
    "forms.field.application_date": "Application date",
    "forms.field.decision": "Decision",
    "forms.field.decision_date": "Decision date",
    "forms.field.de_minimis": "De minimis aid",
    "forms.field.de_minimis.help": (
        "A bonus granted to a company is de minimis aid: the whole amount counts towards the "
        "employer's three-year ceiling."
    ),
    "forms.field.after_6": "Employed after 6 months",
    "forms.field.after_12": "Employed after 12 months",
    "forms.field.project_wide": "The whole project (no municipality)",
    "forms.field.budget_line": "Budget line",
    "forms.field.cost_municipality": "Municipality",
    "forms.field.booked_on": "Date booked",
    "forms.field.amount": "Amount (€)",
    "forms.field.description": "Description",
    "forms.list.title": "Clients",
    "forms.list.status": "Current status",
    "forms.list.caption": "{count} clients · as of {today}",
    "forms.list.caption.one": "{count} client · as of {today}",
    "forms.list.caption_limited": (
        "The {shown} newest of {count} clients · as of {today}. Search by code, or export them "
        "all on the Export page."
    ),
    "forms.list.search": "Search by client code",
    "import.kind": "Data to import",
    "import.kind.help": (
        "Import in this order: employers, clients, status episodes, outcomes, partnership "
        "agreements, employment bonuses, costs."
    ),
    "import.about.employers": (
        "Employers are known by their business ID (private persons by name and municipality); "
        "the same file again changes nothing."
    ),
    "import.about.clients": (
        "Clients are known by their code. Pseudonymous codes only: a file holding an identity "
        "code is refused as a whole."
    ),
    "import.about.episodes": (
        "An episode is known by client code, status and start date. The clients must be in Polku."
    ),
    "import.about.outcomes": (
        "An outcome is known by client code, outcome and date; the employer by business ID."
    ),
    "import.about.partnerships": (
        "An agreement is known by the employer's business ID and its start date."
    ),
    "import.about.grants": (
        "A bonus is known by the employer's business ID, the client code and the start of "
        "employment. Amount = euros per month × months."
    ),
    "import.about.costs": (
        "A cost is known by budget line, municipality, date booked and description."
    ),
    "import.template_csv": "Template (CSV)",
    "import.template_xlsx": "Template (Excel)",
    "import.example": "Example file",
    "import.columns": "The columns and what goes in them",
    "import.formats": (
        "CSV separated by semicolons or commas, in UTF-8 or Windows-1252, or Excel (.xlsx). "
        "Decimal commas and dates as 1.3.2026 or 2026-03-01 are fine. Headers in Finnish or "
        "English."
    ),
    "import.file": "File",
    "import.upload_hint": (
        "Choose a file. Before saving you see a preview and every problem with its row and column."
    ),
    "import.checking": "Checking the file…",
    "import.in_background": (
        "A large file is processed in the background; you may use other pages meanwhile."
    ),
    "import.preview": "Preview",
    "import.read_csv": "Read as CSV: encoding {encoding}, separator {separator}",
    "import.read_sheet": "Read the Excel sheet {sheet}",
    "import.rows": "Rows",
    "import.added": "New",
    "import.changed": "Changing",
    "import.unchanged": "Unchanged",
    "import.errors": "Errors",
    "import.fine_rows": "Fine",
    "import.error_rows": "Rows with errors",
    "import.has_errors": (
        "The file has {count} errors. Correct them and upload the file again: nothing is saved "
        "until the file is free of errors."
    ),
    "import.has_errors.one": (
        "The file has {count} error. Correct it and upload the file again: nothing is saved "
        "until the file is free of errors."
    ),
    "import.has_warnings": "Check the warnings before saving.",
    "import.severity.error": "Error",
    "import.severity.warning": "Warning",
    "import.col.row": "Row",
    "import.col.column": "Column",
    "import.col.severity": "Kind",
    "import.col.reason": "Reason",
    "import.col.action": "Change",
    "import.action.added": "new",
    "import.action.changed": "changes",
    "import.action.unchanged": "unchanged",
    "import.action.error": "error",
    "import.commit": "Save the data",
    "import.commit.help": "Every row is saved as one whole, or none.",
    "import.saving": "Saving…",
    "export.scope.caption": "The export holds the data you may see: {scope}.",
    "export.format": "Format",
    "export.format.xlsx": "Excel",
    "export.format.csv": "CSV",
    "export.format.parquet": "Parquet",
    "export.format.xlsx.help": (
        "An Excel workbook with a sheet per table, with the columns of the import templates: "
        "names instead of codes, real dates and numbers. Imports back as it is."
    ),
    "export.format.csv.help": (
        "A CSV file per table (semicolons, UTF-8) for Excel: names instead of codes, dates as "
        "1.3.2026 and decimal commas. Imports back as it is. Cells a spreadsheet would run as "
        "formulas are neutralised."
    ),
    "export.format.parquet.help": (
        "A Parquet snapshot of every table with a data dictionary, for analysis "
        "(polku.exports.open_snapshot): codes and data types as they are, names in the code "
        "lists."
    ),
    "export.prepare": "Prepare the export",
    "export.preparing": "Preparing…",
    "export.download": "Download zip",
    "export.size": "Size {size} MB",
    # End of import, export and data entry
    "role.admin": "Administrator",
    "role.coordinator": "Coordinator",
    "role.director": "Director",
    "role.analyst": "Analyst",
    "checklist_status.not_started": "Not started",
    "checklist_status.in_progress": "In progress",
    "checklist_status.done": "Done",
    "checklist_status.not_applicable": "Not applicable",
    "checklist_status.blocked": "Blocked",
    "gender.female": "Female",
    "gender.male": "Male",
    "gender.other": "Other",
    "education_level.isced_0_2": "Up to lower secondary (ISCED 0–2)",
    "education_level.isced_3_4": "Upper or post-secondary (ISCED 3–4)",
    "education_level.isced_5_8": "Tertiary (ISCED 5–8)",
    "labour_status.unemployed": "Unemployed",
    "labour_status.long_term_unemployed": "Long-term unemployed",
    "labour_status.inactive": "Outside the labour force",
    "labour_status.employed": "Employed",
    "employer_type.company": "Company",
    "employer_type.association": "Association",
    "employer_type.foundation": "Foundation",
    "employer_type.private_person": "Private person",
    "employer_type.public": "Public body",
    "contract_type.fixed_term": "Fixed-term",
    "contract_type.permanent": "Permanent",
    "decision.pending": "Pending",
    "decision.granted": "Granted",
    "decision.refused": "Refused",
    "work_package_scope.municipality": "per municipality",
    "work_package_scope.region": "region-wide",
    "indicator_kind.count": "Count",
    "indicator_kind.rate": "Rate",
    "budget_kind.cost": "Cost",
    "budget_kind.financing": "Financing",
}

CATALOGS: dict[Language, dict[str, str]] = {"fi": _FI, "en": _EN}


def language(value: object) -> Language:
    """`value` if it names a supported language, else the default (Finnish)."""
    return "en" if value == "en" else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled from `values`.

    An unknown key raises KeyError: a typo should fail a test, not show a raw key to a user.
    A key with a form for one ("<key>.one") takes it when its number is one (`plural_form`).
    """
    catalog = CATALOGS[language(lang)]
    if key in _PLURAL_KEYS and plural_form(values.get(_counted(key)), lang) == "one":
        key = f"{key}{_ONE}"
    text = catalog[key] if key in catalog else _FI[key]
    return text.format(**values) if values else text


def code_label(code_set: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of `code` of a fixed code set of models.py, e.g. ("checklist_status", "done")."""
    return t(f"{code_set}.{code}", lang)


def localized_name(row: Mapping[str, Any] | Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """name_fi or name_en of a code-list row (a mapping or an object); Finnish if no English."""
    get = row.get if isinstance(row, Mapping) else lambda name: getattr(row, name, None)
    if language(lang) == "en" and get("name_en"):
        return str(get("name_en"))
    return str(get("name_fi") or "")


# ---------------------------------------------------------------------------------------------
# Plural forms: "1 asiakas" but "2 asiakasta", "1 client" but "2 clients"

_ONE = ".one"
# Keys whose wording follows a number: those with a form for one ("<key>.one") in the catalogs
_PLURAL_KEYS = frozenset(key.removesuffix(_ONE) for key in _FI if key.endswith(_ONE))
# The placeholder holding the number, where it is not {count}
_PLURAL_COUNTS: dict[str, str] = {
    "project.staff.total": "fte",
    "checklists.region.deadlines.caption": "days",
}


def _counted(key: str) -> str:
    return _PLURAL_COUNTS.get(key, "count")


def plural_form(number: object, lang: str = DEFAULT_LANGUAGE) -> str:
    """CLDR's plural category ("one" or "other") of a number, or of a number as formatted for
    `lang` ("1" is one; "1,0", "21" and "1 234" are other), by Babel's rules."""
    if isinstance(number, bool) or number is None:
        return "other"
    if isinstance(number, str):
        text = number.replace(NBSP, "").replace(" ", "")
        text = text.replace(",", ".") if language(lang) == "fi" else text.replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return "other"
    if not isinstance(number, int | float | Decimal):
        return "other"
    return str(_plural_rule(language(lang))(number))


@cache
def _plural_rule(lang: Language) -> Callable[[float | Decimal], str]:
    return Locale.parse(lang).plural_form


# ---------------------------------------------------------------------------------------------
# Numbers and dates

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _localize(formatted: str, lang: str) -> str:
    """Turn Python's "1,234.5" into the language's form ("1 234,5" in Finnish)."""
    if language(lang) == "en":
        return formatted
    return formatted.replace(",", NBSP).replace(".", ",")


def fmt_int(value: int | Decimal | float, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with grouped thousands: 1 234 (fi), 1,234 (en)."""
    return fmt_decimal(value, 0, lang)


def fmt_decimal(value: int | Decimal | float, digits: int = 1, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number rounded half up to `digits` decimals: 1 234,5 (fi), 1,234.5 (en)."""
    # str() first, so 2.675 rounds as written (2.68), not as its binary float (2.67)
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0"
    return _localize(f"{number:,.{digits}f}", lang)


def fmt_percent(share: int | Decimal | float, digits: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share (0.7) as a percentage: 70 % (fi, with a no-break space), 70% (en)."""
    number = fmt_decimal(Decimal(str(share)) * 100, digits, lang)
    return f"{number}{NBSP}%" if language(lang) == "fi" else f"{number}%"


def fmt_euro(amount: int | Decimal | float, digits: int = 0, lang: str = DEFAULT_LANGUAGE) -> str:
    """A sum of money: 6 237 037 € (fi), €6,237,037 (en)."""
    number = fmt_decimal(amount, digits, lang)
    if language(lang) == "fi":
        return f"{number}{NBSP}€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"


def fmt_date(value: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date: 29.11.2026 (fi), 29 Nov 2026 (en)."""
    if language(lang) == "en":
        return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day}.{value.month}.{value.year}"


def fmt_period(start: date, end: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date range with an en dash: 1.3.2026–30.9.2029."""
    return f"{fmt_date(start, lang)}{EN_DASH}{fmt_date(end, lang)}"


def fmt_datetime(value: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A moment as given (convert to Finnish time first): 29.11.2026 klo 14.05 (fi),
    29 Nov 2026 14:05 (en)."""
    day = fmt_date(value.date(), lang)
    if language(lang) == "en":
        return f"{day} {value:%H:%M}"
    return f"{day} klo {value:%H.%M}"


# The one date format of each language (fmt_date's) in each notation that draws dates:
# moment.js (Streamlit's DateColumn), d3 (Altair), Excel number formats, and Streamlit's
# date_input, which takes only numbers, so English there is day first like "29 Nov 2026"
DATE_FORMATS: dict[str, dict[Language, str]] = {
    "moment": {"fi": "D.M.YYYY", "en": "D MMM YYYY"},
    "d3": {"fi": "%-d.%-m.%Y", "en": "%-d %b %Y"},
    "excel": {"fi": "d.m.yyyy", "en": "d mmm yyyy"},
    "excel_datetime": {"fi": "d.m.yyyy h:mm", "en": "d mmm yyyy h:mm"},
    "input": {"fi": "DD.MM.YYYY", "en": "DD/MM/YYYY"},
}


def date_format(notation: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The language's date format in a notation of DATE_FORMATS: date_format("moment", "en")."""
    return DATE_FORMATS[notation][language(lang)]
