"""The named queries' questions in Catalan and Spanish (their files give them in English, ``#+ summary``).

Interface wording for the query editor and the question index: a page in Catalan or Spanish asks its
questions in that language.  A query not listed here shows its English summary.
"""

from __future__ import annotations

#: query name -> (ca, es)
QUESTIONS: dict[str, tuple[str, str]] = {
    "cq01-actions-of-measure-15": (
        "Quantes accions té la mesura 15 del pla d'impuls 2016-2019?",
        "¿Cuántas acciones tiene la medida 15 del plan de impulso 2016-2019?"),
    "cq03-measure-17-actions-starting-2019": (
        "Quines accions de la mesura 17 comencen el 2019?",
        "¿Qué acciones de la medida 17 empiezan en 2019?"),
    "cq05-goals-of-sectoral-tables-project": (
        "Quines fites ajudaria a assolir el projecte de ciutat «Taules i projectes d'intercooperació sectorial»?",
        "¿Qué metas ayudaría a alcanzar el proyecto de ciudad «Taules i projectes d'intercooperació sectorial»?"),
    "cq06-lines-of-sectoral-tables-project": (
        "A quines línies estratègiques contribuiria el projecte de ciutat «Taules i projectes d'intercooperació sectorial»?",
        "¿A qué líneas estratégicas contribuiría el proyecto de ciudad «Taules i projectes d'intercooperació sectorial»?"),
    "cq08-tractor-projects-of-sectoral-tables-project": (
        "Quins projectes tractors estan vinculats al projecte de ciutat «Taules i projectes d'intercooperació sectorial»?",
        "¿Qué proyectos tractores están vinculados al proyecto de ciudad «Taules i projectes d'intercooperació sectorial»?"),
    "cq11-measures-with-actions-in-2016": (
        "Quines mesures del pla 2016-2019 tenen almenys una acció en marxa el 2016?",
        "¿Qué medidas del plan 2016-2019 tienen al menos una acción en marcha en 2016?"),
    "cq12-actions-per-year-measures-11-17": (
        "Quantes accions hi ha en marxa cada any entre les mesures 11 i 17?",
        "¿Cuántas acciones hay en marcha cada año entre las medidas 11 y 17?"),
    "cq14-actions-with-years-2016-2019": (
        "Quantes accions amb anys contenen en total els dos extractes del 2016-2019?",
        "¿Cuántas acciones con años contienen en total los dos extractos de 2016-2019?"),
    "cq15-actions-in-all-four-years": (
        "Quantes accions dels extractes del 2016-2019 són en marxa els quatre anys 2016-2019?",
        "¿Cuántas acciones de los extractos de 2016-2019 están en marcha los cuatro años 2016-2019?"),
    "cq19-measures-of-territorialisation-extract": (
        "Quines mesures conté l'extracte «Territorialització i acció comunitària»?",
        "¿Qué medidas contiene el extracto «Territorialització i acció comunitària»?"),
    "cq20-emblematic-projects-of-measure-31": (
        "Quins projectes emblemàtics de ciutat cita la mesura 31 com a referents per als barris?",
        "¿Qué proyectos emblemáticos de ciudad cita la medida 31 como referentes para los barrios?"),
    "cq24-district-line-08-measures-2018-2021": (
        "Quines mesures de la línia estratègica 08 del districte són en marxa del 2018 al 2021?",
        "¿Qué medidas de la línea estratégica 08 del distrito están en marcha de 2018 a 2021?"),
    "cq31-active-xmess-working-groups-2024": (
        "Quins grups de treball de la XMESS són actius el 2024?",
        "¿Qué grupos de trabajo de la XMESS están activos en 2024?"),
    "cq33-xmess-2024-work-areas": (
        "Quins són els àmbits de treball del pla de treball 2024 de la XMESS?",
        "¿Cuáles son los ámbitos de trabajo del plan de trabajo 2024 de la XMESS?"),
    "cq39-years-founding-municipal-network": (
        "En quins anys preveu el pla 2016-2019 fundar la xarxa de municipis per l'ESS i participar-hi?",
        "¿En qué años prevé el plan 2016-2019 fundar la red de municipios por la ESS y participar en ella?"),
    "acronyms-without-source-expansion": (
        "Quines sigles no desplega cap document font?",
        "¿Qué siglas no desarrolla ningún documento fuente?"),
    "entities-in-several-documents": (
        "Quines entitats s'esmenten en més d'un document font?",
        "¿Qué entidades se mencionan en más de un documento fuente?"),
    "goals-outside-contributed-lines": (
        "Quines fites que ajudaria a assolir el projecte de taules sectorials són de línies a les quals no contribueix?",
        "¿Qué metas que ayudaría a alcanzar el proyecto de mesas sectoriales son de líneas a las que no contribuye?"),
    "measures-with-an-action-not-in-year": (
        "Quines mesures del pla d'impuls 2016-2019 tenen una acció que no és en marxa un any donat?",
        "¿Qué medidas del plan de impulso 2016-2019 tienen una acción que no está en marcha un año dado?"),
    "plan-periods": ("Quin és el període de cada pla?", "¿Cuál es el periodo de cada plan?"),
    "plans-applying-to-territory": (
        "Quins plans s'apliquen a un territori donat, directament o per un lloc que hi és dins?",
        "¿Qué planes se aplican a un territorio dado, directamente o por un lugar que está dentro?"),
    "projects-by-district": (
        "A quin districte de Barcelona és cada projecte situat?",
        "¿En qué distrito de Barcelona está cada proyecto situado?"),
    "territories-within": ("Quins territoris són dins d'un territori donat?",
                           "¿Qué territorios están dentro de un territorio dado?"),
    "theme-across-documents": (
        "Quines parts de quins documents font tracten un tema donat?",
        "¿Qué partes de qué documentos fuente tratan un tema dado?"),
    "tractor-projects-by-theme": ("Quins projectes tractors tracten un tema donat?",
                                  "¿Qué proyectos tractores tratan un tema dado?"),
    "xmess-work-area-task-counts": (
        "Quantes tasques té cada àmbit de treball del pla de treball 2024 de la XMESS?",
        "¿Cuántas tareas tiene cada ámbito de trabajo del plan de trabajo 2024 de la XMESS?"),
    "statement-provenance": (
        "Quin document afirma aquest fet, o per quina raó és editorial?",
        "¿Qué documento afirma este hecho, o por qué razón es editorial?"),
    # queries/trial/: the outside reader's trial (docs/trial-research-questions.md)
    "t01-intercooperation-single-year-actions": (
        "Quines accions de l'apartat «Intercooperació» es fan un sol any, i quin?",
        "¿Qué acciones del apartado «Intercooperació» se realizan un solo año, y cuál?"),
    "t02-measure-12-actions-running-in-2019": (
        "Quines accions té la mesura 12 (contractació pública responsable) i quines encara es fan el 2019?",
        "¿Qué acciones tiene la medida 12 (contratación pública responsable) y cuáles siguen en 2019?"),
    "t03-territorialisation-actions-starting-2017": (
        "Quines accions de l'apartat «Territorialització i acció comunitària» comencen el 2017?",
        "¿Qué acciones del apartado «Territorialització i acció comunitària» empiezan en 2017?"),
    "t04-measure-32-actions-per-year": (
        "Quantes accions de la mesura 32 (Eix Muntanya) es fan cada any?",
        "¿Cuántas acciones de la medida 32 (Eix Muntanya) se realizan cada año?"),
    "t05-actions-mentioning-pam-a-pam": (
        "Quines accions esmenten Pam a Pam, de quina mesura i de quin document?",
        "¿Qué acciones mencionan Pam a Pam, de qué medida y de qué documento?"),
    "t06-documents-naming-local-energy-communities": (
        "Quins documents font esmenten les Comunitats Energètiques Locals?",
        "¿Qué documentos fuente mencionan las Comunitats Energètiques Locals?"),
    "t07-items-mentioning-aescat": (
        "Quins elements de quins documents font esmenten l'AESCAT?",
        "¿Qué elementos de qué documentos fuente mencionan la AESCAT?"),
    "t08-coopolis-place-leader-other-name": (
        "On és Coòpolis, qui el lidera i amb quin altre nom se'l coneix?",
        "¿Dónde está Coòpolis, quién lo lidera y con qué otro nombre se le conoce?"),
    "t09-measure-8-7-and-where-its-number-comes-from": (
        "Quina mesura de la línia 08 és «la mesura 8.7», quin període té i quin graf li dona el número?",
        "¿Qué medida de la línea 08 es «la mesura 8.7», qué periodo tiene y qué grafo le da el número?"),
    "t10-territories-of-line-08-document": (
        "Quins territoris anomena el document de la línia 08, i quin graf diu a quin districte s'aplica el pla?",
        "¿Qué territorios nombra el documento de la línea 08, y qué grafo dice a qué distrito se aplica el plan?"),
    "t11-leader-of-district-development-plans": (
        "Qui lidera els plans de desenvolupament de districte, i quin graf ho diu?",
        "¿Quién lidera los planes de desarrollo de distrito, y qué grafo lo dice?"),
    "t12-objectives-applying-to-districts": (
        "Quins objectius s'apliquen a districtes, i a quants?",
        "¿Qué objetivos se aplican a distritos, y a cuántos?"),
    "t13-audiences-of-impulse-plan-sections": (
        "A qui es dirigeix cada apartat del pla d'impuls 2016-2019?",
        "¿A quién se dirige cada apartado del plan de impulso 2016-2019?"),
    "t14-xmess-working-groups-by-status": (
        "Quins grups de treball de la XMESS són actius i quins només proposats?",
        "¿Qué grupos de trabajo de la XMESS están activos y cuáles solo propuestos?"),
    "t15-xmess-expert-advice-hours": (
        "Quina tasca del pla 2024 de la XMESS fixa una bossa d'hores anual d'assessorament expert, i sobre quin tema?",
        "¿Qué tarea del plan 2024 de la XMESS fija una bolsa de horas anual de asesoramiento experto, y sobre qué tema?"),
    "t16-xmess-own-jornades-themes": (
        "Quantes jornades pròpies preveu com a màxim la XMESS, i sobre quins temes?",
        "¿Cuántas jornadas propias prevé como máximo la XMESS, y sobre qué temas?"),
    "t17-xmess-one-off-meeting": (
        "Amb qui fa la XMESS una trobada única el 2024, i quina tasca en diu el moment?",
        "¿Con quién celebra la XMESS un encuentro único en 2024, y qué tarea dice cuándo?"),
    "t18-xmess-task-responsibility": (
        "Qui porta a terme cada tasca del pla 2024 de la XMESS que en nomena el responsable, i ho diu la font o és una lectura nostra?",
        "¿Quién lleva a cabo cada tarea del plan 2024 de la XMESS que nombra a su responsable, y lo dice la fuente o es una lectura nuestra?"),
    "t19-sectoral-project-proposal-sources": (
        "De qui recull propostes cada projecte de ciutat, i quins subapartats hi llista la font?",
        "¿De quién recoge propuestas cada proyecto de ciudad, y qué subapartados lista la fuente?"),
    "t20-xmess-ordinary-assemblies": (
        "Quan i en quin format fa la XMESS les assemblees ordinàries?",
        "¿Cuándo y en qué formato celebra la XMESS las asambleas ordinarias?"),
}


def question(name: str, summary: str, language: str) -> str:
    """Return a named query's question in ``language`` (ca, es), else its English summary."""
    texts = QUESTIONS.get(name)
    if texts and language in ("ca", "es"):
        return texts[("ca", "es").index(language)]
    return summary or name
