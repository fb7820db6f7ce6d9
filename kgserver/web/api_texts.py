"""The named queries' descriptions and parameter hints in Catalan and Spanish, for the ``/api/`` page.

The query files give them in English (``#+ description``, ``params: description``) and the OpenAPI
description keeps the English; a page in Catalan or Spanish shows these.  Interface wording, like
:mod:`kgserver.web.question_texts` (the questions themselves).  A text not listed here shows in English,
marked ``lang="en"``.
"""

from __future__ import annotations

_LANGS = ("ca", "es")

#: query name -> (ca, es): the query's ``#+ description``
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "acronyms-without-source-expansion": (
        "Sigles (ess:acronym) que cap font no desplega: les que no es despleguen mai (l'etiqueta del recurs és la "
        "sigla) i les que despleguem nosaltres (ess:expansionIsInferred true). Les sigles que una font desplega "
        "(XES, XAC, GT) porten ess:expansionIsInferred false i en queden fora.",
        "Siglas (ess:acronym) que ninguna fuente desarrolla: las que nunca se desarrollan (la etiqueta del recurso "
        "es la sigla) y las que desarrollamos nosotros (ess:expansionIsInferred true). Las siglas que una fuente "
        "desarrolla (XES, XAC, GT) llevan ess:expansionIsInferred false y quedan fuera."),
    "cq01-actions-of-measure-15": (
        "Compta les accions de la mesura numerada «15» en una secció del Pla d'impuls de l'ESS 2016-2019.",
        "Cuenta las acciones de la medida numerada «15» en una sección del Pla d'impuls de l'ESS 2016-2019."),
    "cq03-measure-17-actions-starting-2019": (
        "Accions de la mesura 17 del Pla d'impuls de l'ESS 2016-2019 el primer any actiu de les quals és el 2019.",
        "Acciones de la medida 17 del Pla d'impuls de l'ESS 2016-2019 cuyo primer año activo es 2019."),
    "cq05-goals-of-sectoral-tables-project": (
        "Notacions de les fites de l'estratègia ESS 2030 que el seu projecte de ciutat (1) ajudaria a assolir "
        "(«Fites que ajudaria a assolir»).",
        "Notaciones de las metas de la estrategia ESS 2030 que su proyecto de ciudad (1) ayudaría a alcanzar "
        "(«Fites que ajudaria a assolir»)."),
    "cq06-lines-of-sectoral-tables-project": (
        "Notacions de les línies estratègiques de l'estratègia ESS 2030 que figuren sota «Línia a la què contribuiria».",
        "Notaciones de las líneas estratégicas de la estrategia ESS 2030 que figuran bajo «Línia a la què contribuiria»."),
    "cq08-tractor-projects-of-sectoral-tables-project": (
        "Etiquetes dels projectes tractors sectorials amb què es pot vincular el projecte de ciutat (la llista de la "
        "font és oberta, «entre altres»).",
        "Etiquetas de los proyectos tractores sectoriales con los que se puede vincular el proyecto de ciudad (la "
        "lista de la fuente es abierta, «entre altres»)."),
    "cq11-measures-with-actions-in-2016": (
        "Números de les mesures del Pla d'impuls de l'ESS 2016-2019 amb una acció que té el 2016 entre els anys actius.",
        "Números de las medidas del Pla d'impuls de l'ESS 2016-2019 con una acción que tiene 2016 entre sus años activos."),
    "cq12-actions-per-year-measures-11-17": (
        "Per a cada any actiu, el nombre d'accions de les mesures 11 a 17 (secció «Intercooperació») del Pla "
        "d'impuls de l'ESS 2016-2019 que són en marxa aquell any.",
        "Para cada año activo, el número de acciones de las medidas 11 a 17 (sección «Intercooperació») del Pla "
        "d'impuls de l'ESS 2016-2019 que están en marcha ese año."),
    "cq14-actions-with-years-2016-2019": (
        "Accions amb almenys un any actiu als dos extractes del Pla d'impuls de l'ESS 2016-2019 (Intercooperació; "
        "Territorialització i acció comunitària).",
        "Acciones con al menos un año activo en los dos extractos del Pla d'impuls de l'ESS 2016-2019 "
        "(Intercooperació; Territorialització i acció comunitària)."),
    "cq15-actions-in-all-four-years": (
        "Accions del Pla d'impuls de l'ESS 2016-2019 els anys actius de les quals inclouen el 2016, el 2017, el 2018 "
        "i el 2019.",
        "Acciones del Pla d'impuls de l'ESS 2016-2019 cuyos años activos incluyen 2016, 2017, 2018 y 2019."),
    "cq19-measures-of-territorialisation-extract": (
        "Números de les mesures de la secció «Territorialització i acció comunitària» del Pla d'impuls de l'ESS "
        "2016-2019.",
        "Números de las medidas de la sección «Territorialització i acció comunitària» del Pla d'impuls de l'ESS "
        "2016-2019."),
    "cq20-emblematic-projects-of-measure-31": (
        "Etiquetes dels projectes que la mesura 31 del Pla d'impuls de l'ESS 2016-2019 (o una de les seves accions) "
        "cita com a referents («projectes emblemàtics de ciutat com a referents i inspiració als barris»); la llista "
        "de la font és oberta («…»).",
        "Etiquetas de los proyectos que la medida 31 del Pla d'impuls de l'ESS 2016-2019 (o una de sus acciones) "
        "cita como referentes («projectes emblemàtics de ciutat com a referents i inspiració als barris»); la lista "
        "de la fuente es abierta («…»)."),
    "cq24-district-line-08-measures-2018-2021": (
        "Etiquetes de les mesures plurianuals de la línia estratègica 08 del pla de desenvolupament econòmic del "
        "districte el període de les quals és 2018-2021.",
        "Etiquetas de las medidas plurianuales de la línea estratégica 08 del plan de desarrollo económico del "
        "distrito cuyo periodo es 2018-2021."),
    "cq31-active-xmess-working-groups-2024": (
        "Etiquetes dels grups de treball de la XMESS que el seu pla de treball 2024 dona com a actius («Els GT "
        "actius són»).",
        "Etiquetas de los grupos de trabajo de la XMESS que su plan de trabajo 2024 da como activos («Els GT "
        "actius són»)."),
    "cq33-xmess-2024-work-areas": (
        "Etiquetes dels àmbits de treball de la proposta de pla de treball 2024 de la XMESS.",
        "Etiquetas de los ámbitos de trabajo de la propuesta de plan de trabajo 2024 de la XMESS."),
    "cq39-years-founding-municipal-network": (
        "Anys actius de les accions del Pla d'impuls de l'ESS 2016-2019 que esmenten la xarxa de municipis per "
        "l'ESS, que el graf editorial d'identitats fa correspondre (skos:exactMatch) amb la XMESS.",
        "Años activos de las acciones del Pla d'impuls de l'ESS 2016-2019 que mencionan la red de municipios por "
        "la ESS, que el grafo editorial de identidades hace corresponder (skos:exactMatch) con la XMESS."),
    "entities-in-several-documents": (
        "Entitats (organitzacions, xarxes, administracions, grups) esmentades en més d'un dels cinc documents font, "
        "amb el nombre de documents. Cada document anomena una cosa amb les seves paraules (un recurs propi quan la "
        "redacció és diferent); el graf editorial d'identitats fa correspondre aquests recursos amb "
        "skos:exactMatch, i el recompte segueix aquestes correspondències fins al recurs al qual apunten.",
        "Entidades (organizaciones, redes, administraciones, grupos) mencionadas en más de uno de los cinco "
        "documentos fuente, con el número de documentos. Cada documento nombra una cosa con sus palabras (un "
        "recurso propio cuando la redacción difiere); el grafo editorial de identidades hace corresponder esos "
        "recursos con skos:exactMatch, y el recuento sigue esas correspondencias hasta el recurso al que apuntan."),
    "goals-outside-contributed-lines": (
        "Fites del projecte de ciutat de l'ESS 2030 «Taules i projectes d'intercooperació sectorial» la línia de "
        "les quals (pel seu número) no és entre les línies a què el projecte diu que contribuiria (L1, L7, L8), "
        "amb el codi d'aquella línia.",
        "Metas del proyecto de ciudad de la ESS 2030 «Taules i projectes d'intercooperació sectorial» cuya línea "
        "(por su número) no está entre las líneas a las que el proyecto dice que contribuiría (L1, L7, L8), con "
        "el código de esa línea."),
    "measures-with-an-action-not-in-year": (
        "Els números de les mesures del Pla d'impuls de l'ESS 2016-2019 (tots dos extractes) amb almenys una acció "
        "el bloc «Accions Anys» de la qual no inclou l'any. L'any ha de ser un any en què alguna acció és en marxa "
        "(2016-2019); per a altres anys la resposta és buida. El paràmetre ?year també es retorna, perquè tots "
        "els motors el puguin vincular.",
        "Los números de las medidas del Pla d'impuls de l'ESS 2016-2019 (ambos extractos) con al menos una acción "
        "cuyo bloque «Accions Anys» no incluye el año. El año debe ser uno en que alguna acción está en marcha "
        "(2016-2019); para otros años la respuesta está vacía. El parámetro ?year también se devuelve, para que "
        "todos los motores puedan vincularlo."),
    "plan-periods": (
        "Cada pla amb el primer i l'últim any (inclosos), quan se saben. Com s'ha llegit cada període (de la font, "
        "dels períodes de les mesures o de coneixement extern) és a la nota editorial del pla.",
        "Cada plan con su primer y último año (incluidos), cuando se conocen. Cómo se leyó cada periodo (de la "
        "fuente, de los periodos de las medidas o de conocimiento externo) está en la nota editorial del plan."),
    "plans-applying-to-territory": (
        "Plans el territori dels quals (ess:appliesTo) és el territori donat o hi és dins (un pla de districte "
        "s'aplica a Barcelona pel seu districte). Els plans d'un territori més gran que el conté no s'hi inclouen. "
        "El paràmetre ?territory també es retorna, perquè tots els motors el puguin vincular.",
        "Planes cuyo territorio (ess:appliesTo) es el territorio dado o está dentro de él (un plan de distrito se "
        "aplica a Barcelona por su distrito). Los planes de un territorio mayor que lo contiene no se incluyen. "
        "El parámetro ?territory también se devuelve, para que todos los motores puedan vincularlo."),
    "projects-by-district": (
        "Projectes amb una ubicació coneguda (ess:locatedIn un indret, barri, eix o districte) i el districte on és "
        "aquella ubicació, seguint la cadena de contenció.",
        "Proyectos con una ubicación conocida (ess:locatedIn un lugar, barrio, eje o distrito) y el distrito donde "
        "está esa ubicación, siguiendo la cadena de contención."),
    "statement-provenance": (
        "Per a un subjecte i un predicat, cada objecte afirmat amb el graf amb nom que el conté. Un graf "
        "https://w3id.org/esskg/graph/source/<doc> conté exactament el que afirma un document font (?kind "
        "\"stated\", ?document aquell document); un graf .../graph/editorial/<kind> conté el que cap font no afirma "
        "(?kind \"editorial\": traduccions, lectures, identitats, coneixement extern, ...). ?basis és la descripció "
        "del graf al conjunt de dades (data/dataset.ttl), ?references les seves referències externes "
        "(dcterms:source), ?notes les notes editorials del subjecte en anglès. Els triples inferits (graf "
        ".../graph/inferred) en queden fora: `kgserver explain` en dona les premisses. Els paràmetres també es "
        "retornen, perquè tots els motors els vinculin.",
        "Para un sujeto y un predicado, cada objeto afirmado con el grafo con nombre que lo contiene. Un grafo "
        "https://w3id.org/esskg/graph/source/<doc> contiene exactamente lo que afirma un documento fuente (?kind "
        "\"stated\", ?document ese documento); un grafo .../graph/editorial/<kind> contiene lo que ninguna fuente "
        "afirma (?kind \"editorial\": traducciones, lecturas, identidades, conocimiento externo, ...). ?basis es la "
        "descripción del grafo en el conjunto de datos (data/dataset.ttl), ?references sus referencias externas "
        "(dcterms:source), ?notes las notas editoriales del sujeto en inglés. Los triples inferidos (grafo "
        ".../graph/inferred) quedan fuera: `kgserver explain` da sus premisas. Los parámetros también se "
        "devuelven, para que todos los motores los vinculen."),
    "territories-within": (
        "Cada lloc que és dins del territori, directament o per llocs intermedis (indret -> barri -> districte -> "
        "municipi -> comarca -> comunitat autònoma), amb la seva etiqueta en català. Les dades n'afirmen només un "
        "pas; el camí segueix la cadena, de manera que la resposta és la mateixa amb el graf inferit o sense. El "
        "paràmetre ?territory també es retorna, perquè tots els motors el puguin vincular.",
        "Cada lugar que está dentro del territorio, directamente o por lugares intermedios (lugar -> barrio -> "
        "distrito -> municipio -> comarca -> comunidad autónoma), con su etiqueta en catalán. Los datos afirman "
        "un solo paso; el camino sigue la cadena, de modo que la respuesta es la misma con o sin el grafo "
        "inferido. El parámetro ?territory también se devuelve, para que todos los motores puedan vincularlo."),
    "theme-across-documents": (
        "Cada recurs (component d'un pla, projecte, grup de treball, entitat) que tracta el tema "
        "(ess:concernsTheme), amb el document font d'on prové: el mateix tema a l'estratègia ESS 2030, al pla "
        "d'impuls 2016-2019, al pla del districte i al pla de treball de la XMESS. Quins components tenen un tema "
        "s'ha llegit de la seva redacció; la nota editorial del tema recull les lectures que van més enllà del seu "
        "nom. El paràmetre ?theme també es retorna, perquè tots els motors el puguin vincular.",
        "Cada recurso (componente de un plan, proyecto, grupo de trabajo, entidad) que trata el tema "
        "(ess:concernsTheme), con el documento fuente del que procede: el mismo tema en la estrategia ESS 2030, el "
        "plan de impulso 2016-2019, el plan del distrito y el plan de trabajo de la XMESS. Qué componentes tienen "
        "un tema se leyó de su redacción; la nota editorial del tema recoge las lecturas que van más allá de su "
        "nombre. El parámetro ?theme también se devuelve, para que todos los motores puedan vincularlo."),
    "tractor-projects-by-theme": (
        "Els projectes tractors sectorials del projecte de ciutat de l'ESS 2030 «Taules i projectes "
        "d'intercooperació sectorial» que tracten el tema (un concepte de l'esquema de temes, p. ex. energia). El "
        "paràmetre ?theme també es retorna, perquè tots els motors el puguin vincular.",
        "Los proyectos tractores sectoriales del proyecto de ciudad de la ESS 2030 «Taules i projectes "
        "d'intercooperació sectorial» que tratan el tema (un concepto del esquema de temas, p. ej. energía). El "
        "parámetro ?theme también se devuelve, para que todos los motores puedan vincularlo."),
    "xmess-work-area-task-counts": (
        "Per a cada àmbit de treball de la proposta de pla de treball 2024 de la XMESS, el nombre de tasques (els "
        "punts just sota l'àmbit) i el nombre de tasques comptant-ne els subelements a qualsevol profunditat.",
        "Para cada ámbito de trabajo de la propuesta de plan de trabajo 2024 de la XMESS, el número de tareas (los "
        "puntos justo debajo del ámbito) y el número de tareas contando sus subelementos a cualquier profundidad."),
    "t01-intercooperation-single-year-actions": (
        "Accions de les mesures 11-17 del Pla d'impuls 2016-2019 (secció «Intercooperació») amb exactament un "
        "ess:activeYear, amb el número de la mesura i aquest any. Escrita per un lector extern només amb la documentació "
        "publicada (docs/trial-research-questions.md, Q1).",
        "Acciones de las medidas 11-17 del Pla d'impuls 2016-2019 (sección «Intercooperació») con exactamente un "
        "ess:activeYear, con el número de la medida y ese año. Escrita por un lector externo solo con la documentación "
        "publicada (docs/trial-research-questions.md, Q1)."),
    "t02-measure-12-actions-running-in-2019": (
        "Cada acció de la mesura 12 del Pla d'impuls 2016-2019, amb la seva etiqueta en català i si un dels seus "
        "ess:activeYear és el 2019 (docs/trial-research-questions.md, Q2).",
        "Cada acción de la medida 12 del Pla d'impuls 2016-2019, con su etiqueta en catalán y si uno de sus "
        "ess:activeYear es 2019 (docs/trial-research-questions.md, Q2)."),
    "t03-territorialisation-actions-starting-2017": (
        "Accions de les mesures 29, 31 i 32 del Pla d'impuls 2016-2019 que s'executen el 2017 i no el 2016 (el seu "
        "primer any és el 2017), amb el número de la mesura (docs/trial-research-questions.md, Q3).",
        "Acciones de las medidas 29, 31 y 32 del Pla d'impuls 2016-2019 que se ejecutan en 2017 y no en 2016 (su "
        "primer año es 2017), con el número de la medida (docs/trial-research-questions.md, Q3)."),
    "t04-measure-32-actions-per-year": (
        "Per a cada any de la mesura 32 del Pla d'impuls 2016-2019, el nombre de les seves accions amb aquest "
        "ess:activeYear (docs/trial-research-questions.md, Q4).",
        "Para cada año de la medida 32 del Pla d'impuls 2016-2019, el número de sus acciones con ese "
        "ess:activeYear (docs/trial-research-questions.md, Q4)."),
    "t05-actions-mentioning-pam-a-pam": (
        "Accions el text de les quals esmenta l'eina Pam a Pam (ess:mentions), el número de la mesura a què pertanyen "
        "i el document font que les afirma (docs/trial-research-questions.md, Q5).",
        "Acciones cuyo texto menciona la herramienta Pam a Pam (ess:mentions), el número de la medida a la que "
        "pertenecen y el documento fuente que las afirma (docs/trial-research-questions.md, Q5)."),
    "t06-documents-naming-local-energy-communities": (
        "Els documents font (ess:sourceDocument, un per document que anomena el recurs) del projecte «Comunitats "
        "Energètiques Locals», amb els seus fitxers de text (docs/trial-research-questions.md, Q6).",
        "Los documentos fuente (ess:sourceDocument, uno por documento que nombra el recurso) del proyecto «Comunitats "
        "Energètiques Locals», con sus ficheros de texto (docs/trial-research-questions.md, Q6)."),
    "t07-items-mentioning-aescat": (
        "Els elements (propostes de treball, tasques...) el text dels quals anomena l'entitat amb la sigla AESCAT, i "
        "el document que afirma cadascun (docs/trial-research-questions.md, Q7).",
        "Los elementos (propuestas de trabajo, tareas...) cuyo texto nombra la entidad con la sigla AESCAT, y el "
        "documento que afirma cada uno (docs/trial-research-questions.md, Q7)."),
    "t08-coopolis-place-leader-other-name": (
        "El lloc on és Coòpolis (ess:locatedIn), l'entitat que el lidera (ess:ledBy) i la seva etiqueta alternativa "
        "(skos:altLabel), tot en català (docs/trial-research-questions.md, Q8).",
        "El lugar donde está Coòpolis (ess:locatedIn), la entidad que lo lidera (ess:ledBy) y su etiqueta alternativa "
        "(skos:altLabel), todo en catalán (docs/trial-research-questions.md, Q8)."),
    "t09-measure-8-7-and-where-its-number-comes-from": (
        "La mesura de la línia estratègica 08 amb notació «8.7», la seva etiqueta, el període, si anomena Coòpolis i "
        "el graf amb nom que conté la notació: l'extracte no numera cap mesura, de manera que el número és una lectura "
        "(docs/trial-research-questions.md, Q9).",
        "La medida de la línea estratégica 08 con notación «8.7», su etiqueta, el periodo, si nombra Coòpolis y el "
        "grafo con nombre que contiene la notación: el extracto no numera ninguna medida, así que el número es una "
        "lectura (docs/trial-research-questions.md, Q9)."),
    "t10-territories-of-line-08-document": (
        "Files «named»: els territoris tipificats al graf propi del document de la línia 08 (el que el text anomena). "
        "Files «plan applies to»: el territori al qual s'aplica el pla de districte, amb el graf afirmat que ho diu; el "
        "text no anomena mai el seu districte (docs/trial-research-questions.md, Q10).",
        "Filas «named»: los territorios tipificados en el grafo propio del documento de la línea 08 (lo que el texto "
        "nombra). Filas «plan applies to»: el territorio al que se aplica el plan de distrito, con el grafo afirmado "
        "que lo dice; el texto nunca nombra su distrito (docs/trial-research-questions.md, Q10)."),
    "t11-leader-of-district-development-plans": (
        "Cada ess:DistrictDevelopmentPlan, l'entitat que el lidera (ess:ledBy) i el graf afirmat que ho diu. "
        "L'extracte de territorialització diu que els plans de districte són «liderats per Barcelona Activa» sense "
        "anomenar-ne cap, de manera que l'enllaç amb el pla de Sants-Montjuïc és coneixement del catàleg "
        "(docs/trial-research-questions.md, Q11).",
        "Cada ess:DistrictDevelopmentPlan, la entidad que lo lidera (ess:ledBy) y el grafo afirmado que lo dice. El "
        "extracto de territorialización dice que los planes de distrito son «liderats per Barcelona Activa» sin "
        "nombrar ninguno, así que el enlace con el plan de Sants-Montjuïc es conocimiento del catálogo "
        "(docs/trial-research-questions.md, Q11)."),
    "t12-objectives-applying-to-districts": (
        "Objectius (ess:Objective) amb el nombre de ess:District diferents als quals s'apliquen "
        "(docs/trial-research-questions.md, Q12: «cadascun dels 10 districtes»).",
        "Objetivos (ess:Objective) con el número de ess:District distintos a los que se aplican "
        "(docs/trial-research-questions.md, Q12: «cadascun dels 10 districtes»)."),
    "t13-audiences-of-impulse-plan-sections": (
        "Els destinataris (ess:hasAudience, «A qui es dirigeix») de cada secció del Pla d'impuls, amb etiquetes en "
        "català (docs/trial-research-questions.md, Q13).",
        "Los destinatarios (ess:hasAudience, «A qui es dirigeix») de cada sección del Pla d'impuls, con etiquetas en "
        "catalán (docs/trial-research-questions.md, Q13)."),
    "t14-xmess-working-groups-by-status": (
        "Cada ess:WorkingGroup amb la seva etiqueta en català i l'etiqueta anglesa del seu estat "
        "(ess:workingGroupStatus: actiu o proposat) (docs/trial-research-questions.md, Q14).",
        "Cada ess:WorkingGroup con su etiqueta en catalán y la etiqueta inglesa de su estado "
        "(ess:workingGroupStatus: activo o propuesto) (docs/trial-research-questions.md, Q14)."),
    "t15-xmess-expert-advice-hours": (
        "Tasques del pla de treball 2024 de la XMESS (tasques dels àmbits de treball i les seves subtasques) el text "
        "català de les quals parla d'hores («hores»), amb els temes que tracten. La xifra és a la redacció de la "
        "tasca, no en un valor a part (docs/trial-research-questions.md, Q15).",
        "Tareas del plan de trabajo 2024 de la XMESS (tareas de los ámbitos de trabajo y sus subtareas) cuyo texto "
        "catalán habla de horas («hores»), con los temas que tratan. La cifra está en la redacción de la tarea, no en "
        "un valor aparte (docs/trial-research-questions.md, Q15)."),
    "t16-xmess-own-jornades-themes": (
        "La tasca del pla 2024 de la XMESS sobre les seves jornades pròpies («jornades pròpies», la redacció de la "
        "qual en dona el màxim) i els temes que hi figuren (ess:hasSubComponent) (docs/trial-research-questions.md, Q16).",
        "La tarea del plan 2024 de la XMESS sobre sus jornadas propias («jornades pròpies», cuya redacción da el "
        "máximo) y los temas que figuran en ella (ess:hasSubComponent) (docs/trial-research-questions.md, Q16)."),
    "t17-xmess-one-off-meeting": (
        "Cada ess:OneOffEvent, els seus participants i la tasca que l'esmenta (la redacció de la qual en dona el "
        "moment de l'any) (docs/trial-research-questions.md, Q17).",
        "Cada ess:OneOffEvent, sus participantes y la tarea que lo menciona (cuya redacción da el momento del año) "
        "(docs/trial-research-questions.md, Q17)."),
    "t18-xmess-task-responsibility": (
        "Cada tasca del pla de treball de la XMESS amb l'òrgan que la lidera (ess:ledBy) i el graf amb nom on és "
        "l'afirmació: un graf sota graph/source/ quan el text ho diu («per part de», «encàrrec a»), "
        "graph/editorial/readings quan és una lectura nostra d'un passatge ambigu (docs/trial-research-questions.md, Q18).",
        "Cada tarea del plan de trabajo de la XMESS con el órgano que la lidera (ess:ledBy) y el grafo con nombre "
        "donde está la afirmación: un grafo bajo graph/source/ cuando el texto lo dice («per part de», «encàrrec a»), "
        "graph/editorial/readings cuando es una lectura nuestra de un pasaje ambiguo "
        "(docs/trial-research-questions.md, Q18)."),
    "t19-sectoral-project-proposal-sources": (
        "Les entitats o grups de qui un projecte de ciutat recull propostes (ess:collectsProposalsOf, «Recollint les "
        "propostes de...»), amb els subelements que la font hi llista (ess:hasSubItem), amb les sigles que escriu la "
        "font (docs/trial-research-questions.md, Q19).",
        "Las entidades o grupos de quienes un proyecto de ciudad recoge propuestas (ess:collectsProposalsOf, "
        "«Recollint les propostes de...»), con los subelementos que la fuente lista (ess:hasSubItem), con las siglas "
        "que escribe la fuente (docs/trial-research-questions.md, Q19)."),
    "t20-xmess-ordinary-assemblies": (
        "Tasques del pla 2024 de la XMESS que esmenten la seva Assemblea i parlen d'assemblees ordinàries "
        "(«ordinàries»); els mesos i el format són a la redacció de la tasca (docs/trial-research-questions.md, Q20).",
        "Tareas del plan 2024 de la XMESS que mencionan su Asamblea y hablan de asambleas ordinarias («ordinàries»); "
        "los meses y el formato están en la redacción de la tarea (docs/trial-research-questions.md, Q20)."),
}

#: (query name, parameter) -> (ca, es): the parameter's ``description``
PARAM_DESCRIPTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("measures-with-an-action-not-in-year", "year"): (
        "un any en què alguna acció del pla és en marxa", "un año en que alguna acción del plan está en marcha"),
    ("plans-applying-to-territory", "territory"): ("el territori", "el territorio"),
    ("statement-provenance", "subject"): ("el subjecte de l'afirmació", "el sujeto de la afirmación"),
    ("statement-provenance", "predicate"): ("el predicat de l'afirmació", "el predicado de la afirmación"),
    ("territories-within", "territory"): ("el territori que conté", "el territorio que contiene"),
    ("theme-across-documents", "theme"): (
        "un concepte de https://w3id.org/esskg/id/scheme/theme", "un concepto de https://w3id.org/esskg/id/scheme/theme"),
    ("tractor-projects-by-theme", "theme"): (
        "un concepte de https://w3id.org/esskg/id/scheme/theme", "un concepto de https://w3id.org/esskg/id/scheme/theme"),
}

#: parameter type -> (ca, es): what a value of the type looks like (:data:`kgserver.params.PARAM_TYPES`)
TYPE_HINTS: dict[str, tuple[str, str]] = {
    "iri": ("un IRI absolut, o un nom amb prefix com esskg:plan/x", "un IRI absoluto, o un nombre con prefijo como esskg:plan/x"),
    "string": ("qualsevol text", "cualquier texto"),
    "langString": ("text, opcionalment amb una etiqueta de llengua: text@ca",
                   "texto, opcionalmente con una etiqueta de idioma: text@ca"),
    "integer": ("un enter com 42", "un entero como 42"),
    "decimal": ("un nombre decimal com 3.5", "un número decimal como 3.5"),
    "double": ("un nombre com 3.5e2", "un número como 3.5e2"),
    "boolean": ("true o false", "true o false"),
    "date": ("una data AAAA-MM-DD", "una fecha AAAA-MM-DD"),
    "gYear": ("un any de quatre xifres com 2018", "un año de cuatro cifras como 2018"),
}


def _pick(texts: tuple[str, str] | None, language: str) -> str | None:
    return texts[_LANGS.index(language)] if texts and language in _LANGS else None


def description(name: str, english: str, language: str) -> tuple[str, str]:
    """Return a named query's description in ``language`` and the language it is in (English if not listed)."""
    text = _pick(DESCRIPTIONS.get(name), language)
    return (text, language) if text else (english, "en")


def param_description(query: str, param: str, english: str, language: str) -> tuple[str, str]:
    """Return a parameter's description in ``language`` and the language it is in (English if not listed)."""
    text = _pick(PARAM_DESCRIPTIONS.get((query, param)), language)
    return (text, language) if text else (english, "en")


def type_hint(kind: str, english: str, language: str) -> tuple[str, str]:
    """Return what a value of parameter type ``kind`` looks like, in ``language`` (English if not listed)."""
    text = _pick(TYPE_HINTS.get(kind), language)
    return (text, language) if text else (english, "en")
